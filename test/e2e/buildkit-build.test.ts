// `docker build` through buildx (BuildKit: POST /session and POST /grpc, upgraded to h2c) against Docker's engine
// 20.10 and berthd side by side: the context travels over the session's filesync, steps show as BuildKit
// vertexes with their logs, a rebuild shows CACHED, `buildx du` and `buildx prune` see the build cache, and the
// image runs. A failing RUN is the corpus's failing-run case (buildkit-corpus.test.ts).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { execFileSync, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { ENGINES, skipClients, useEngines } from '../helpers/engines.js';
import { buildxConfig, type BuildxConfig } from '../helpers/buildx.js';
import { docker } from '../helpers/run.js';

const skip = skipClients();
const engine = useEngines(skip);

const DOCKERFILE = [
  'FROM busybox',
  'RUN echo hello-from-run && echo built > /built.txt',
  'COPY a.txt /a.txt',
  'ENV GREETING=hi-there',
  'CMD ["cat", "/a.txt"]',
  '',
].join('\n');

// The loopback HTTP server ADD fetches from (both engines run on the host's network).
const FILE = 'fetched over http\n';
const FILE_DIGEST = `sha256:${createHash('sha256').update(FILE).digest('hex')}`;
const FILE_MTIME = 1609556645; // Sat, 02 Jan 2021 03:04:05 GMT
const files = {
  port: 0,
  /** Held answers to `/release/KEY`, sent when the test has seen the RUN's first line (live-output test). */
  held: new Map<string, Promise<void>>(),
  server: createServer((req, res) => {
    const release = /^\/release\/([\w-]+)$/.exec(req.url ?? '');
    if (release) {
      const gate = files.held.get(release[1] as string);
      if (!gate) return void res.writeHead(404).end();
      return void gate.then(() => res.end('released\n'));
    }
    if (req.url !== '/files/hello.txt') return void res.writeHead(404).end();
    res.writeHead(200, { 'Last-Modified': new Date(FILE_MTIME * 1000).toUTCString(), 'Content-Length': FILE.length });
    res.end(FILE);
  }),
};

let buildx: BuildxConfig;
let context: string;

/** The bytes buildx's plain progress shows for the build context's load (`transferring context: 8.39MB`, decimal
 * units, two decimals): the last figure of that vertex. */
function contextBytesShown(progress: string): number {
  const vertex = /^#(\d+) \[internal\] load build context$/m.exec(progress)?.[1];
  assert.ok(vertex, `no context vertex in:\n${progress}`);
  const lines = [
    ...progress.matchAll(
      new RegExp(`^#${vertex} transferring context:(?: ([\\d.]+)([kMG]?B))?(?: [\\d.]+s)?(?: done)?$`, 'gm'),
    ),
  ];
  const last = lines.at(-1);
  assert.ok(last, `no transferring line for #${vertex} in:\n${progress}`);
  if (last[1] === undefined) return 0;
  const scale = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[last[2] as 'B' | 'kB' | 'MB' | 'GB'];
  return Number(last[1]) * scale;
}

interface SyncLog {
  dirName: string;
  includePattern?: string;
  filesReceived: number;
  bytesReceived: number;
  unchanged: number;
  excluded: number;
}

/** berthd's debug line for the build context's filesync (not the Dockerfile's or .dockerignore's), logged after
 * `from` in `logs()`. Logs are written asynchronously: the line is waited for, up to 10 s. */
async function contextSyncLog(logs: () => string, from: number): Promise<SyncLog> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = logs()
      .slice(from)
      .split('\n')
      .filter((line) => line.includes('"msg":"filesync received"'))
      .map((line) => JSON.parse(line) as SyncLog)
      .filter((l) => l.dirName === 'context' && l.includePattern === undefined);
    if (found.length > 0) {
      assert.equal(found.length, 1, 'one sync of the context per build');
      return found[0] as SyncLog;
    }
    assert.ok(Date.now() < deadline, `no "filesync received" line for the context in:\n${logs().slice(from)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

before(async () => {
  if (skip) return;
  files.server.listen(0, '127.0.0.1');
  await once(files.server, 'listening');
  files.port = (files.server.address() as AddressInfo).port;
  buildx = buildxConfig();
  context = mkdtempSync(join(tmpdir(), 'berth-buildkit-ctx-'));
  writeFileSync(join(context, 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(context, 'a.txt'), 'content of a\n');
  writeFileSync(join(context, 'ignored.txt'), 'never sent\n');
  writeFileSync(join(context, '.dockerignore'), 'ignored.txt\n');
  writeFileSync(
    join(context, 'Dockerfile.multi'),
    'ARG BASE=busybox\nFROM $BASE AS build\nWORKDIR /src\nRUN echo compiled > out.txt\nFROM busybox\nCOPY --from=build /src/out.txt /out.txt\nCMD ["cat", "/out.txt"]\n',
  );
  writeFileSync(join(context, 'Dockerfile.ignored'), 'FROM busybox\nCOPY ignored.txt /\n');
  writeFileSync(join(context, 'Dockerfile.parents'), 'FROM busybox\nCOPY --parents a.txt /\n');
  writeFileSync(join(context, 'Dockerfile.checksum'), `FROM busybox\nADD --checksum=${FILE_DIGEST} a.txt /\n`);
  writeFileSync(join(context, 'Dockerfile.warn'), 'FROM busybox\nENV A=1 \\\n\n  B=2\n');
});

after(() => {
  files.server.closeAllConnections();
  files.server.close();
  buildx?.cleanup();
  if (context) rmSync(context, { recursive: true, force: true });
});

for (const name of ENGINES) {
  describe(`docker build with buildx against ${name}`, { skip }, () => {
    const build = (args: string[]) =>
      docker(buildx.env(engine(name).env), ['build', '--progress=plain', ...args, context], { timeoutMs: 120_000 });

    test('builds, names the steps as BuildKit does, and the image runs', async () => {
      const r = await build(['-t', 'bk-test:one']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /#\d+ \[1\/3\] FROM docker\.io\/library\/busybox\n/);
      assert.match(r.stderr, /#\d+ transferring context: \d+B done/);
      assert.match(r.stderr, /#\d+ \[2\/3\] RUN echo hello-from-run/);
      assert.match(r.stderr, /#\d+ [\d.]+ hello-from-run/);
      assert.match(r.stderr, /#\d+ \[3\/3\] COPY a\.txt \/a\.txt/);
      assert.match(r.stderr, /naming to docker\.io\/library\/bk-test:one/);

      const env = engine(name).env;
      const shell = await docker(env, [
        'run',
        '--rm',
        '--network',
        'none',
        'bk-test:one',
        'sh',
        '-c',
        'cat /a.txt; echo $GREETING; cat /built.txt',
      ]);
      assert.equal(shell.code, 0, shell.stderr);
      assert.equal(shell.stdout, 'content of a\nhi-there\nbuilt\n');
    });

    // A RUN that prints a line, then waits for the test's loopback server, which answers only once the test has
    // seen that line in buildx's progress: output sent only when the step ends would never come (the build times out).
    for (const mode of ['buildkit', 'classic'] as const)
      test(`${mode}: a RUN's output is shown while the step runs`, async () => {
        const key = `${name}-${mode}-${Date.now()}`;
        const dockerfile = join(context, `Dockerfile.live-${mode}`);
        writeFileSync(
          dockerfile,
          `FROM busybox\nRUN echo first-line-${key} && wget -q -O - http://127.0.0.1:${files.port}/release/${key} && echo after-release\n`,
        );
        const env =
          mode === 'buildkit'
            ? { ...buildx.env(engine(name).env), DOCKER_CLI_HINTS: 'false' }
            : { ...engine(name).env, DOCKER_BUILDKIT: '0' };
        const child = spawn(
          'docker',
          ['build', ...(mode === 'buildkit' ? ['--progress=plain'] : []), '--network=host', '-f', dockerfile, context],
          { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, killSignal: 'SIGKILL' },
        );
        // BuildKit's progress is on stderr, the classic stream on stdout.
        const first = new RegExp(mode === 'buildkit' ? `#\\d+ [\\d.]+ first-line-${key}\\n` : `first-line-${key}\\n`);
        let shown = '';
        let released = false;
        let release = (): void => undefined;
        files.held.set(key, new Promise<void>((resolve) => (release = resolve)));
        const seen = (chunk: Buffer): void => {
          shown += chunk.toString('utf8');
          if (!released && first.test(shown)) {
            released = true;
            release();
          }
        };
        child.stdout.on('data', seen);
        child.stderr.on('data', seen);
        const [code] = (await once(child, 'close')) as [number | null];
        assert.ok(released, `the RUN's first line was not shown while it ran:\n${shown}`);
        assert.equal(code, 0, shown);
        assert.match(shown, /released\n/);
        assert.match(shown, /after-release\n/);
      });

    test('a second build takes the steps from the cache', async () => {
      const r = await build(['-t', 'bk-test:two']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /#(\d+) \[2\/3\] RUN echo hello-from-run[^\n]*\n#\1 CACHED/);
      assert.match(r.stderr, /#(\d+) \[3\/3\] COPY a\.txt \/a\.txt\n#\1 CACHED/);
      const ids = await Promise.all(
        ['bk-test:one', 'bk-test:two'].map(
          async (t) => (await docker(engine(name).env, ['image', 'inspect', '-f', '{{.Id}}', t])).stdout,
        ),
      );
      assert.equal(ids[0], ids[1]);
    });

    // A buildx build opens two /grpc and two /session connections (HTTP/1.1 upgrades to h2c) and closes them when
    // it exits: the engine's ends of them must close too. berthd kept all four open (and each one's HTTP/2 session
    // and client session with them) because nothing answered the client's FIN once the HTTP parser was detached.
    test("the engine closes the build's connections once the client has gone", async () => {
      const r = await build(['-t', 'bk-test:three']);
      assert.equal(r.code, 0, r.stderr);
      const socketPath = engine(name).socketPath;
      // The engine's accepted connections on its API socket; the build's client has exited, nothing else connects.
      const open = (): string[] =>
        execFileSync('ss', ['-xaH'], { encoding: 'utf8' })
          .split('\n')
          .filter((line) => /^u_str\s+ESTAB\b/.test(line) && line.split(/\s+/)[4] === socketPath);
      const deadline = Date.now() + 10_000;
      while (open().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(open(), []);
    });

    // #15: "a rebuild transfers only changed files". buildx's progress shows what the context's filesync moved on
    // both engines (file contents plus the listing); berthd also logs, per sync, the files and bytes received,
    // which Docker's engine cannot show (its BuildKit logs no transfer counts), so that part runs on berthd only.
    test('a rebuild sends only the changed file and takes the steps before its COPY from the cache', async (t) => {
      const BIG = 8 << 20;
      const IGNORED = 2 << 20;
      const dir = mkdtempSync(join(tmpdir(), 'berth-buildkit-resync-'));
      try {
        writeFileSync(
          join(dir, 'Dockerfile'),
          'FROM busybox\nCOPY big.bin /big.bin\nRUN echo ran-once > /ran.txt\nCOPY small.txt /small.txt\nCMD ["cat", "/small.txt"]\n',
        );
        writeFileSync(join(dir, '.dockerignore'), 'ignored.bin\n');
        const big = randomBytes(BIG);
        writeFileSync(join(dir, 'big.bin'), big);
        writeFileSync(join(dir, 'ignored.bin'), randomBytes(IGNORED));
        writeFileSync(join(dir, 'small.txt'), 'small, first\n');
        const sent = ['Dockerfile', '.dockerignore', 'big.bin', 'small.txt'];
        const sizeOf = (files: string[]): number => files.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
        const env = buildx.env(engine(name).env);
        const logs = engine(name).logs;
        const rebuild = async (tag: string) => {
          const from = logs().length;
          const r = await docker(env, ['build', '--progress=plain', '-t', tag, dir], { timeoutMs: 120_000 });
          assert.equal(r.code, 0, r.stderr);
          return { progress: r.stderr, log: name === 'berthd' ? await contextSyncLog(logs, from) : undefined };
        };

        const first = await rebuild('bk-resync:one');
        const firstShown = contextBytesShown(first.progress);
        // "8.39MB": the large file travelled, the ignored one did not (2 decimals of MB: ±5 kB).
        assert.ok(firstShown >= BIG - 5_000 && firstShown < BIG + IGNORED / 2, `first sync: ${firstShown} B`);
        if (first.log) {
          assert.deepEqual(
            { files: first.log.filesReceived, bytes: first.log.bytesReceived, excluded: first.log.excluded },
            { files: sent.length, bytes: sizeOf(sent), excluded: 1 },
          );
        }

        writeFileSync(join(dir, 'small.txt'), 'small, changed for the rebuild\n');
        const second = await rebuild('bk-resync:two');
        const secondShown = contextBytesShown(second.progress);
        // The listing and the small file only: far below the large file.
        assert.ok(secondShown < 64_000, `second sync: ${secondShown} B`);
        if (second.log) {
          assert.deepEqual(
            {
              files: second.log.filesReceived,
              bytes: second.log.bytesReceived,
              unchanged: second.log.unchanged,
              excluded: second.log.excluded,
            },
            { files: 1, bytes: sizeOf(['small.txt']), unchanged: sent.length - 1, excluded: 1 },
          );
        }
        assert.match(second.progress, /#(\d+) \[2\/4\] COPY big\.bin \/big\.bin\n#\1 CACHED/);
        assert.match(second.progress, /#(\d+) \[3\/4\] RUN echo ran-once > \/ran\.txt\n#\1 CACHED/);
        assert.doesNotMatch(second.progress, /#(\d+) \[4\/4\] COPY small\.txt \/small\.txt\n#\1 CACHED/);

        const ran = await docker(engine(name).env, [
          'run',
          '--rm',
          '--network',
          'none',
          'bk-resync:two',
          'sh',
          '-c',
          'cat /small.txt; sha256sum /big.bin',
        ]);
        assert.equal(ran.code, 0, ran.stderr);
        const bigDigest = createHash('sha256').update(big).digest('hex');
        assert.equal(ran.stdout, `small, changed for the rebuild\n${bigDigest}  /big.bin\n`);
        t.diagnostic(
          `${name}: context shown ${firstShown} B then ${secondShown} B; berthd log ${JSON.stringify([first.log, second.log])}`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    // The client lists a symlinked Dockerfile as a symlink; BuildKit resolves it inside the synced directory, so a
    // link to a host path is not the host's file (berthd read it through the link before).
    test('a Dockerfile that is a symlink to a file outside the context is not read from the host', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'berth-buildkit-link-'));
      try {
        const outside = join(dir, 'outside');
        const ctx = join(dir, 'ctx');
        mkdirSync(outside);
        mkdirSync(ctx);
        writeFileSync(join(outside, 'host.Dockerfile'), 'FROM busybox\nLABEL leaked=from-the-host\n');
        symlinkSync(join(outside, 'host.Dockerfile'), join(ctx, 'Dockerfile'));
        const env = buildx.env(engine(name).env);
        const r = await docker(env, ['build', '--progress=plain', '-t', 'bk-link:leak', ctx], { timeoutMs: 120_000 });
        assert.notEqual(r.code, 0, r.stderr);
        assert.match(r.stderr, /failed to read dockerfile/);
        assert.doesNotMatch(r.stderr, /leaked/);
        const inspect = await docker(engine(name).env, ['image', 'inspect', 'bk-link:leak']);
        assert.notEqual(inspect.code, 0, 'no image was built');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('a multi-stage build names each stage in its steps', async () => {
      const r = await build(['-f', join(context, 'Dockerfile.multi'), '-t', 'bk-test:multi']);
      assert.equal(r.code, 0, r.stderr);
      // One vertex for the image both stages start from, named after whichever stage reached it first.
      assert.match(r.stderr, /#\d+ \[(build 1\/3|stage-1 1\/2)\] FROM docker\.io\/library\/busybox\n/);
      assert.match(r.stderr, /#\d+ \[build 3\/3\] RUN echo compiled > out\.txt\n/);
      assert.match(r.stderr, /#\d+ \[stage-1 2\/2\] COPY --from=build \/src\/out\.txt \/out\.txt\n/);
      const ran = await docker(engine(name).env, ['run', '--rm', '--network', 'none', 'bk-test:multi']);
      assert.equal(ran.stdout, 'compiled\n');
    });

    test('.dockerignore keeps a file out of the context', async () => {
      const r = await build(['-f', join(context, 'Dockerfile.ignored'), '-t', 'bk-test:ignored']);
      assert.notEqual(r.code, 0, 'COPY of an ignored file must fail');
      assert.match(r.stderr, /ignored\.txt/);
    });

    test("the Dockerfile's warnings reach buildx, which lists them after the build", async () => {
      const r = await build(['-f', join(context, 'Dockerfile.warn'), '-t', 'bk-test:warn']);
      assert.equal(r.code, 0, r.stderr);
      // BuildKit sends them since v0.10 (the gateway's Warn); Docker 20.10's v0.8 only logs them in the daemon.
      if (name === 'berthd')
        assert.match(r.stderr, /1 warning found[^\n]*\n\S* - Empty continuation line found in: ENV A=1\s+B=2\n/);
    });

    test('a flag of a later Dockerfile syntax is refused by name, never dropped', async () => {
      const parents = await build(['-f', join(context, 'Dockerfile.parents')]);
      assert.notEqual(parents.code, 0);
      assert.match(parents.stderr, /line 2: Unknown flag: parents/);
      if (name === 'berthd') {
        // Docker 20.10's BuildKit (v0.8) knows no --checksum at all; v0.11's stable syntax parses it, then
        // asks for the labs channel.
        const checksum = await build(['-f', join(context, 'Dockerfile.checksum')]);
        assert.match(checksum.stderr, /line 2: instruction 'ADD --checksum=<CHECKSUM>' requires the labs channel/);
      }
    });

    test('ADD of an http URL: fetched by the engine, mode 600, mtime from Last-Modified; classic builder too', async () => {
      const url = `http://127.0.0.1:${files.port}/files/hello.txt`;
      const dockerfile = join(context, 'Dockerfile.url');
      writeFileSync(
        dockerfile,
        `FROM busybox\nADD ${url} /dl/\nADD ${url} /named.txt\nRUN stat -c '%a %s %Y %n' /dl/hello.txt /named.txt && cat /named.txt\n`,
      );
      const expected = `600 ${FILE.length} ${FILE_MTIME} /dl/hello.txt\n600 ${FILE.length} ${FILE_MTIME} /named.txt\n${FILE}`;
      const bk = await build(['-f', dockerfile, '--no-cache']);
      assert.equal(bk.code, 0, bk.stderr);
      const shown = [...bk.stderr.matchAll(/^#\d+ [\d.]+ (.*)$/gm)].map((m) => `${m[1] as string}\n`).join('');
      assert.equal(shown, expected);
      const classic = await docker({ ...engine(name).env, DOCKER_BUILDKIT: '0' }, [
        'build',
        '--no-cache',
        '-f',
        dockerfile,
        context,
      ]);
      assert.equal(classic.code, 0, classic.stderr);
      assert.ok(classic.stdout.includes(expected), classic.stdout);
      if (name !== 'berthd') return;
      // --checksum (labs syntax, BuildKit v0.11): the right digest builds (classic here), another fails with
      // BuildKit's message (buildx). Docker 20.10 knows no --checksum (and fetches no labs frontend offline).
      const labs = (digest: string) =>
        `# syntax=docker/dockerfile:1-labs\nFROM busybox\nADD --checksum=${digest} ${url} /c.txt\n`;
      writeFileSync(dockerfile, labs(FILE_DIGEST));
      const good = await docker({ ...engine(name).env, DOCKER_BUILDKIT: '0' }, ['build', '-f', dockerfile, context]);
      assert.equal(good.code, 0, good.stderr);
      const wrong = `sha256:${'0'.repeat(64)}`;
      writeFileSync(dockerfile, labs(wrong));
      const bad = await build(['-f', dockerfile]);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, new RegExp(`ERROR: failed to solve: digest mismatch ${FILE_DIGEST}: ${wrong}`));
    });

    test('buildx du lists the build cache; buildx prune empties it and the next build runs again', async () => {
      const env = buildx.env(engine(name).env);
      const du = await docker(env, ['buildx', 'du']);
      assert.equal(du.code, 0, du.stderr);
      assert.match(du.stdout, /^ID\s+RECLAIMABLE\s+SIZE\s+LAST ACCESSED/);
      assert.match(du.stdout, /\n[0-9a-z]{25}\s/);
      // Filters and keep options as BuildKit reads them: an id selects its record; records used within a day
      // (`until`) and a cache smaller than --keep-storage are kept.
      const id = (/\n([0-9a-z]{25})\s/.exec(du.stdout) as RegExpExecArray)[1] as string;
      const one = await docker(env, ['buildx', 'du', '--filter', `id=${id}`]);
      assert.equal(one.code, 0, one.stderr);
      assert.deepEqual(one.stdout.match(/^[0-9a-z]{25}(?=\s)/gm), [id]);
      for (const keep of [
        ['--filter', 'until=24h'],
        ['--keep-storage', '100gb'],
      ]) {
        const kept = await docker(env, ['buildx', 'prune', '-f', ...keep]);
        assert.equal(kept.code, 0, kept.stderr);
      }
      assert.match((await docker(env, ['buildx', 'du'])).stdout, new RegExp(`\\n${id}\\s`));
      if (name === 'berthd') {
        const bad = await docker(env, ['buildx', 'du', '--filter', 'colour=red']);
        assert.match(bad.stderr, /invalid filter 'colour'/);
      }
      const prune = await docker(env, ['buildx', 'prune', '-f']);
      assert.equal(prune.code, 0, prune.stderr);
      assert.match(prune.stdout, /Total:/);
      // dockerd 20.10 keeps the records its images still share; berth drops every step of its cache, so the
      // rebuild runs the RUN again.
      const after = await docker(env, ['buildx', 'du']);
      assert.equal(after.code, 0, after.stderr);
      if (name === 'berthd') assert.doesNotMatch(after.stdout, /\n[0-9a-z]{25}\s/);
      // A changed file travels again (the engines keep the synced context between builds) and is copied.
      writeFileSync(join(context, 'a.txt'), `changed for ${name}\n`);
      try {
        const r = await build(['-t', 'bk-test:three']);
        assert.equal(r.code, 0, r.stderr);
        if (name === 'berthd') assert.match(r.stderr, /#\d+ [\d.]+ hello-from-run/);
        const ran = await docker(engine(name).env, ['run', '--rm', '--network', 'none', 'bk-test:three']);
        assert.equal(ran.stdout, `changed for ${name}\n`);
      } finally {
        writeFileSync(join(context, 'a.txt'), 'content of a\n');
      }
    });
  });
}
