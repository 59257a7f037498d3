// Image, network and volume prune filters against Docker's own engine: the same objects are made on dockerd and
// on berthd, pruned with the same filter, and what remains (or the refusal) must be the same. A prune that
// removes what Docker keeps is data loss. Skips without root or without dockerd.
import { test } from 'node:test';
import { api, compare, must, names, prune, skip, useBothDaemons } from './prune-compare.js';

useBothDaemons();

test(
  'image prune: dangling, until and label/label! remove what Docker removes; images in use stay',
  { skip },
  async () => {
    const cases = [
      [],
      ['dangling=false'],
      ['dangling=false', 'label=tier'],
      ['dangling=false', 'label=tier=a'],
      ['dangling=false', 'label!=tier'],
      ['dangling=false', 'label!=tier', 'label!=x'],
      ['dangling=false', 'until=24h'],
      ['dangling=false', 'until=-1h'],
      ['until=-1h'],
      ['bogus=1'],
      ['dangling=maybe'],
      ['dangling=false', 'until=soon'],
      ['reference=busybox'],
    ];
    await compare('image prune', cases, async (socket, filters) => {
      // A container keeps busybox in use; the committed images are its children with labels of their own.
      await must(socket, 'POST', '/containers/create?name=keeper', {
        Image: 'busybox',
        Cmd: ['true'],
        HostConfig: { NetworkMode: 'none' },
      });
      const commit = (repo: string, changes: string[]): Promise<unknown> =>
        must(
          socket,
          'POST',
          `/commit?container=keeper&repo=${repo}&tag=1&${changes.map((c) => `changes=${encodeURIComponent(c)}`).join('&')}`,
          {},
        );
      await Promise.all([
        commit('img-a', ['LABEL tier=a']),
        commit('img-b', ['LABEL tier=b', 'LABEL x=1']),
        commit('img-n', ['LABEL other=1']),
      ]);
      await commit('img-d', ['LABEL tier=d']);
      await commit('img-d', ['LABEL tier=d2']); // the first img-d is now dangling
      const answer = await prune(socket, '/images/prune', filters);
      const remaining = names(
        await must(socket, 'GET', '/images/json'),
        (i) => ((i.RepoTags as string[] | null) ?? []).filter((t) => t !== '<none>:<none>').join(',') || '<none>',
      );
      await must(socket, 'DELETE', '/containers/keeper?force=1');
      for (const tag of ['img-a:1', 'img-b:1', 'img-n:1', 'img-d:1']) await api(socket, 'DELETE', `/images/${tag}`);
      await must(socket, 'POST', '/images/prune');
      return `${answer} [${remaining.join(' ')}]`;
    });
  },
);
test('network prune: until and label/label! remove what Docker removes', { skip }, async () => {
  const cases = [
    [],
    ['label=tier'],
    ['label=tier=a'],
    ['label!=tier'],
    ['label!=tier', 'label!=x'],
    ['until=24h'],
    ['until=-1h'],
    ['bogus=1'],
    ['driver=bridge'],
    ['until=soon'],
  ];
  await compare('network prune', cases, async (socket, filters) => {
    for (const [name, Labels] of [
      ['net-a', { tier: 'a' }],
      ['net-b', { tier: 'b', x: '1' }],
      ['net-n', {}],
    ] as const) {
      await must(socket, 'POST', '/networks/create', { Name: name, Internal: true, Labels });
    }
    const answer = await prune(socket, '/networks/prune', filters);
    const remaining = names(
      await must(socket, 'GET', `/networks?filters=${encodeURIComponent('{"type":["custom"]}')}`),
      (n) => String(n.Name),
    );
    for (const n of remaining) await must(socket, 'DELETE', `/networks/${n}`);
    return `${answer} [${remaining.join(' ')}]`;
  });
});
test(
  'volume prune: label/label! remove what Docker removes; until and unknown keys are refused',
  { skip },
  async () => {
    const cases = [
      [],
      ['label=tier'],
      ['label=tier=a'],
      ['label!=tier'],
      ['label!=tier', 'label!=x'],
      ['label=tier', 'label!=x'],
      ['until=24h'],
      ['bogus=1'],
    ];
    await compare('volume prune', cases, async (socket, filters) => {
      for (const [name, Labels] of [
        ['vol-a', { tier: 'a' }],
        ['vol-b', { tier: 'b', x: '1' }],
        ['vol-n', {}],
        ['vol-used', { tier: 'u' }],
      ] as const) {
        await must(socket, 'POST', '/volumes/create', { Name: name, Labels });
      }
      await must(socket, 'POST', '/containers/create?name=user', {
        Image: 'busybox',
        Cmd: ['true'],
        HostConfig: { NetworkMode: 'none', Binds: ['vol-used:/u'] },
      });
      // API 1.41 (Docker 20.10's): prune takes named volumes too.
      const answer = await prune(socket, '/v1.41/volumes/prune', filters);
      const remaining = names(
        ((await must(socket, 'GET', '/volumes')) as { Volumes: Record<string, unknown>[] }).Volumes,
        (v) => String(v.Name),
      );
      await must(socket, 'DELETE', '/containers/user?force=1');
      for (const n of remaining) await must(socket, 'DELETE', `/volumes/${n}`);
      return `${answer} [${remaining.join(' ')}]`;
    });
  },
);
