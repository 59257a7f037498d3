// One builder underneath (#15): a cache mount (`RUN --mount=type=cache`) written by a classic `/build` RUN is read by
// a BuildKit RUN with the same id, and the reverse; and independent stages of a BuildKit build run side by side.
// Docker's engine 20.10 runs the same scenarios: its classic builder refuses `--mount` (it needs BuildKit), so only
// its BuildKit side is checked there; its BuildKit runs independent stages side by side as berth does.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ENGINES, skipClients, useEngines } from '../helpers/engines.js';
import { buildxConfig, type BuildxConfig } from '../helpers/buildx.js';
import { docker } from '../helpers/run.js';

const skip = skipClients();
const engine = useEngines(skip);

/**
 * A loopback server for a build's stages: `/meet/<nonce>/<stage>` is answered only once every stage of that nonce
 * has asked (`together`), so two stages built one after the other could never both get it. A request left alone
 * is answered `alone` after a minute, which fails the test instead of hanging the build forever.
 */
const meeting = {
  port: 0,
  expected: 2,
  waiting: new Map<string, { res: ServerResponse; timer: NodeJS.Timeout }[]>(),
  server: createServer((req, res) => {
    const m = /^\/meet\/(\w+)\/(\w+)$/.exec(req.url ?? '');
    if (!m) return void res.writeHead(404).end();
    const nonce = m[1] as string;
    const list = meeting.waiting.get(nonce) ?? [];
    meeting.waiting.set(nonce, list);
    const timer = setTimeout(() => {
      list.splice(
        list.findIndex((w) => w.res === res),
        1,
      );
      res.end('alone\n');
    }, 60_000);
    list.push({ res, timer });
    if (list.length === meeting.expected) {
      for (const w of list.splice(0)) {
        clearTimeout(w.timer);
        w.res.end('together\n');
      }
    }
  }),
};

let buildx: BuildxConfig;
let dir: string;

before(async () => {
  if (skip) return;
  meeting.server.listen(0, '127.0.0.1');
  await once(meeting.server, 'listening');
  meeting.port = (meeting.server.address() as AddressInfo).port;
  buildx = buildxConfig();
  dir = mkdtempSync(join(tmpdir(), 'berth-shared-builder-'));
});

after(() => {
  for (const list of meeting.waiting.values()) for (const w of list) clearTimeout(w.timer);
  meeting.server.closeAllConnections();
  meeting.server.close();
  buildx?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

for (const name of ENGINES) {
  describe(`one builder for classic and BuildKit builds on ${name}`, { skip }, () => {
    const classic = (dockerfile: string, tag: string) => {
      const file = join(dir, `${tag.replace(/\W/g, '-')}.Dockerfile`);
      writeFileSync(file, dockerfile);
      return docker({ ...engine(name).env, DOCKER_BUILDKIT: '0' }, ['build', '-f', file, '-t', tag, dir], {
        timeoutMs: 120_000,
      });
    };
    const buildkit = (dockerfile: string, tag: string, args: string[] = []) => {
      const file = join(dir, `${tag.replace(/\W/g, '-')}.Dockerfile`);
      writeFileSync(file, dockerfile);
      return docker(buildx.env(engine(name).env), ['build', '--progress=plain', ...args, '-f', file, '-t', tag, dir], {
        timeoutMs: 180_000,
      });
    };
    const cat = async (tag: string, path: string): Promise<string> => {
      const r = await docker(engine(name).env, ['run', '--rm', '--network', 'none', tag, 'cat', path]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };

    test('a cache mount written by a classic RUN is read by a BuildKit RUN with the same id, and the reverse', async () => {
      const id = `shared-${randomBytes(4).toString('hex')}`;
      const mount = `--mount=type=cache,id=${id},target=/c`;
      const fromClassic = await classic(
        `FROM busybox\nRUN ${mount} echo written-by-classic > /c/classic.txt\n`,
        `cm-classic-write:${id}`,
      );
      if (name === 'dockerd') {
        // Docker's classic builder has no cache mounts: `--mount` is BuildKit's only.
        assert.notEqual(fromClassic.code, 0);
        assert.match(fromClassic.stderr, /the --mount option requires BuildKit/);
      } else assert.equal(fromClassic.code, 0, fromClassic.stdout + fromClassic.stderr);

      // BuildKit reads what the classic RUN left (on dockerd: nothing), then leaves a file of its own.
      const read = await buildkit(
        `FROM busybox\nRUN ${mount} (cat /c/classic.txt || echo none) > /seen.txt && echo written-by-buildkit > /c/buildkit.txt\n`,
        `cm-buildkit:${id}`,
      );
      assert.equal(read.code, 0, read.stderr);
      assert.equal(await cat(`cm-buildkit:${id}`, '/seen.txt'), name === 'dockerd' ? 'none\n' : 'written-by-classic\n');

      if (name === 'dockerd') {
        // Its BuildKit's cache mount outlives the build: a second BuildKit build sees it.
        const again = await buildkit(
          `FROM busybox\nRUN ${mount} cat /c/buildkit.txt > /seen.txt\n`,
          `cm-buildkit-again:${id}`,
        );
        assert.equal(again.code, 0, again.stderr);
        assert.equal(await cat(`cm-buildkit-again:${id}`, '/seen.txt'), 'written-by-buildkit\n');
        return;
      }
      const back = await classic(
        `FROM busybox\nRUN ${mount} cat /c/buildkit.txt > /seen.txt\n`,
        `cm-classic-read:${id}`,
      );
      assert.equal(back.code, 0, back.stdout + back.stderr);
      assert.equal(await cat(`cm-classic-read:${id}`, '/seen.txt'), 'written-by-buildkit\n');
    });

    test('independent stages of a BuildKit build run side by side', async () => {
      const nonce = randomBytes(6).toString('hex');
      const url = (stage: string) => `http://127.0.0.1:${meeting.port}/meet/${nonce}/${stage}`;
      const dockerfile = [
        'FROM busybox AS left',
        `RUN wget -q -O /got.txt ${url('left')}`,
        'FROM busybox AS right',
        `RUN wget -q -O /got.txt ${url('right')}`,
        'FROM busybox',
        'COPY --from=left /got.txt /left.txt',
        'COPY --from=right /got.txt /right.txt',
        '',
      ].join('\n');
      // The stages reach the test's server on the host's loopback.
      const r = await buildkit(dockerfile, `stages:${nonce}`, ['--network', 'host']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await cat(`stages:${nonce}`, '/left.txt'), 'together\n');
      assert.equal(await cat(`stages:${nonce}`, '/right.txt'), 'together\n');
    });
  });
}
