// Build cache prune filters against Docker's own engine: which filters each daemon takes and which it refuses,
// for the same requests. dockerd 20.10's /build/prune prunes BuildKit's cache, which an API build by the classic
// builder does not fill, so what remains is checked on berthd alone: `until` keeps what was used since then.
// Skips without root or without dockerd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare, daemons, must, prune, skip, useBothDaemons, api } from './prune-compare.js';

useBothDaemons();

test(
  'build prune: until (durations), unused-for, label, label!, the cache fields and unknown keys as Docker takes them',
  { skip },
  async () => {
    const cases = [
      [],
      ['until=24h'],
      ['until=1h30m'],
      ['unused-for=24h'],
      ['until=2000-01-01T00:00:00Z'],
      ['until=1000000000'],
      ['until=soon'],
      ['until=1h', 'until=2h'],
      ['until=1h', 'unused-for=2h'],
      ['label=a'],
      ['label!=a'],
      ['id=abc'],
      ['parent=abc'],
      ['type=regular'],
      ['description=x'],
      ['inuse=true'],
      ['shared=true'],
      ['private=true'],
      ['id=a', 'id=b'],
      ['bogus=1'],
      ['dangling=true'],
    ];
    // Whether the filter is taken (and, for until, why not; Go's exact duration error is not compared): the caches
    // differ (BuildKit's on dockerd, the classic builder's on berthd), so not what they remove.
    await compare('build prune', cases, async (socket, filters) =>
      (await prune(socket, '/build/prune', filters))
        .replace(/(expects a duration \(e\.g\., '24h'\)).*/, '$1')
        .replace(/^refused: (?!.*until).*/, 'refused'),
    );
  },
);

test(
  'build prune until=24h keeps the cache of a build made a moment ago; with no filter it goes',
  { skip },
  async () => {
    const berthd = daemons().find((d) => d.name === 'berthd');
    const socket = (berthd?.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, '');
    const count = async (): Promise<number> =>
      ((await must(socket, 'GET', '/system/df')) as { BuildCache: unknown[] | null }).BuildCache?.length ?? 0;
    const { pack } = await import('tar-stream');
    const p = pack();
    p.entry({ name: 'Dockerfile' }, 'FROM busybox\nRUN echo one > /one\nRUN echo two > /two\n');
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const c of p) chunks.push(c as Buffer);
    const built = await new Promise<number>((resolve, reject) => {
      void import('node:http').then(({ request }) => {
        const req = request(
          {
            socketPath: socket,
            method: 'POST',
            path: '/build?t=cache-probe:1&networkmode=none',
            headers: { 'content-type': 'application/x-tar' },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(Buffer.concat(chunks));
      });
    });
    assert.equal(built, 200);
    const before = await count();
    assert.ok(before >= 2, `the build left cache entries (${before})`);
    assert.equal(await prune(socket, '/build/prune', ['until=24h']), 'ok');
    assert.equal(await count(), before, 'until=24h removed cache used a moment ago');
    assert.equal(await prune(socket, '/build/prune', ['until=1h30m', 'label=a']), 'ok');
    assert.equal(await count(), before, 'until=1h30m with a label (which Docker does not select by) keeps it too');
    assert.equal(await prune(socket, '/build/prune', []), 'ok');
    assert.equal(await count(), 0);
    await api(socket, 'DELETE', '/images/cache-probe:1');
  },
);
