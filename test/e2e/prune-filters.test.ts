// Container prune filters against Docker's own engine: the same containers are made on dockerd and on berthd,
// pruned with the same filter, and what remains (or the refusal) must be the same. A prune that removes what
// Docker keeps is data loss. Also the list filters that share the label matcher. Skips without root or dockerd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { docker } from '../helpers/run.js';
import { compare, daemons, lines, must, names, ok, outcome, prune, skip, useBothDaemons } from './prune-compare.js';

useBothDaemons();

test(
  'docker container prune --filter until=24h keeps what was created a second ago, on both engines',
  { skip },
  async () => {
    for (const { name, env } of daemons()) {
      await ok(env, ['create', '--network', 'none', '--name', 'fresh', 'busybox', 'true']);
      const r = await docker(env, ['container', 'prune', '-f', '--filter', 'until=24h']);
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.deepEqual(lines(await ok(env, ['ps', '-a', '--format', '{{.Names}}'])), ['c-running', 'fresh'], name);
      const all = await docker(env, ['container', 'prune', '-f', '--filter', 'until=-1h']);
      assert.equal(all.code, 0, `${name}: ${all.stderr}`);
      assert.deepEqual(lines(await ok(env, ['ps', '-a', '--format', '{{.Names}}'])), ['c-running'], name);
    }
  },
);
test(
  'container prune: until (durations, dates, timestamps) and label/label! remove what Docker removes',
  { skip },
  async () => {
    const cases = [
      [],
      ['until=24h'],
      ['until=-1h'],
      ['until=1000000000.5'],
      ['until=2000-01-01T00:00:00Z'],
      ['until=CREATED'],
      ['label=a'],
      ['label=a=1'],
      ['label!=a'],
      ['label!=a', 'label!=b'],
      ['label=a', 'label!=b'],
      ['bogus=1'],
      ['until=yesterday'],
      ['until=1h', 'until=2h'],
      ['label=a', 'status=exited'],
    ];
    await compare('container prune', cases, async (socket, filters) => {
      const specs: [string, string[]][] = [
        ['c-plain', []],
        ['c-a', ['a=1']],
        ['c-ab', ['a=2', 'b=']],
        ['c-b', ['b=']],
      ];
      for (const [name, labels] of specs) {
        const Labels = Object.fromEntries(labels.map((l) => l.split('=')));
        await must(socket, 'POST', `/containers/create?name=${name}`, {
          Image: 'busybox',
          Cmd: ['true'],
          Labels,
          HostConfig: { NetworkMode: 'none' },
        });
      }
      // `until` at c-a's own creation time: c-a (not after it) goes, the later ones stay.
      const created = ((await must(socket, 'GET', '/containers/c-a/json')) as { Created: string }).Created;
      const answer = await prune(
        socket,
        '/containers/prune',
        filters.map((f) => f.replace('CREATED', created)),
      );
      const remaining = names(await must(socket, 'GET', '/containers/json?all=1'), (c) =>
        String((c.Names as string[])[0]).slice(1),
      );
      for (const n of remaining) if (n !== 'c-running') await must(socket, 'DELETE', `/containers/${n}?force=1`);
      return `${answer} [${remaining.join(' ')}]`;
    });
  },
);
test('list filters share the label matcher and refuse unknown keys as Docker does', { skip }, async () => {
  const results: Record<string, string[]> = {};
  for (const { name, env } of daemons()) {
    await ok(env, [
      'create',
      '--network',
      'none',
      '--name',
      'l-a',
      '--label',
      'a=1',
      '--label',
      'b',
      'busybox',
      'true',
    ]);
    await ok(env, ['create', '--network', 'none', '--name', 'l-b', '--label', 'b', 'busybox', 'true']);
    await ok(env, ['network', 'create', '--internal', '--label', 'a=1', 'ln-a']);
    await ok(env, ['volume', 'create', '--label', 'a=1', 'lv-a']);
    const out: string[] = [];
    for (const args of [
      ['ps', '-a', '--format', '{{.Names}}', '--filter', 'label=b'],
      ['ps', '-a', '--format', '{{.Names}}', '--filter', 'label=a', '--filter', 'label=b'],
      ['ps', '-a', '--format', '{{.Names}}', '--filter', 'label=a=2'],
      ['ps', '-a', '--filter', 'label!=a'],
      ['ps', '-a', '--filter', 'until=1h'],
      ['network', 'ls', '--format', '{{.Name}}', '--filter', 'label=a=1'],
      ['network', 'ls', '--filter', 'until=1h'],
      ['network', 'ls', '--filter', 'label!=a'],
      ['network', 'ls', '--format', '{{.Name}}', '--filter', 'name=^ln-'],
      ['network', 'ls', '--format', '{{.Name}}', '--filter', 'dangling=true', '--filter', 'name=ln-'],
      ['volume', 'ls', '--format', '{{.Name}}', '--filter', 'label=a'],
      ['volume', 'ls', '--filter', 'label!=a'],
      ['images', '--format', '{{.Repository}}', '--filter', 'label=nope'],
      ['images', '--filter', 'label!=a'],
    ]) {
      const r = await docker(env, args);
      out.push(`$ ${args.join(' ')} -> ${r.code === 0 ? lines(r.stdout).join(' ') : outcome(r)}`);
    }
    await ok(env, ['rm', 'l-a', 'l-b']);
    await ok(env, ['network', 'rm', 'ln-a']);
    await ok(env, ['volume', 'rm', 'lv-a']);
    results[name] = out;
  }
  assert.deepEqual(results.berthd, results.dockerd);
});
