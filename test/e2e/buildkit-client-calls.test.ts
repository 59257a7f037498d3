// What else a BuildKit client does with the engine (#15), against Docker's engine 20.10 and berthd side by side:
// `docker buildx inspect` / `ls` (Control.ListWorkers and the engine's info), `--load`, the inline cache read back
// from berth's own registry (`berth registry serve`: #15 names "berth's own or docker-registry"; the docker-registry
// side is buildkit-outputs.test.ts) with `--cache-from type=registry,ref=…`, and the progress modes in a real
// terminal: `docker build --progress=tty`, and `berth build --progress=tty|auto|plain` (POST /build?version=2).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ENGINES, skipClients, useEngines } from '../helpers/engines.js';
import { buildxConfig, type BuildxConfig } from '../helpers/buildx.js';
import { berth, docker } from '../helpers/run.js';
import { BERTH } from '../helpers/daemon.js';
import { startRegistryProcess, type TestRegistry } from '../helpers/registry.js';
import { openTerminal, type Terminal } from '../helpers/terminal.js';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { Control } from '../../src/gen/buildkit/github.com/moby/buildkit/api/services/control/control_pb.js';
import { HijackedHttp2Client } from '../../src/buildkit/h2c.js';

const skip = skipClients();
const engine = useEngines(skip);

let buildx: BuildxConfig;
let dir: string;
let registry: TestRegistry;
const terminals: Terminal[] = [];

before(async () => {
  if (skip) return;
  buildx = buildxConfig();
  registry = await startRegistryProcess();
  dir = mkdtempSync(join(tmpdir(), 'berth-buildkit-client-'));
  writeFileSync(join(dir, 'a.txt'), 'client calls\n');
});

after(async () => {
  for (const t of terminals) t.close();
  buildx?.cleanup();
  await registry?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A BuildKit Control client on the engine's `POST /grpc`, upgraded to h2c as buildx does it. */
async function controlClient(socketPath: string) {
  const socket: Socket = connect(socketPath);
  await once(socket, 'connect');
  socket.write('POST /grpc HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n');
  let head = Buffer.alloc(0);
  while (!head.includes('\r\n\r\n')) {
    const chunk = (socket.read() as Buffer | null) ?? (await once(socket, 'readable'), socket.read() as Buffer | null);
    if (chunk) head = Buffer.concat([head, chunk]);
  }
  const end = head.indexOf('\r\n\r\n') + 4;
  assert.match(head.subarray(0, end).toString('latin1'), /^HTTP\/1\.1 101 /);
  // The server's HTTP/2 settings may have come with the answer's head: they belong to the HTTP/2 session.
  if (end < head.length) socket.unshift(head.subarray(end));
  const h2 = new HijackedHttp2Client(socket);
  return {
    control: createClient(Control, createGrpcTransport({ baseUrl: h2.authority, sessionManager: h2 })),
    close: () => h2.close(),
  };
}

/** A Dockerfile of its own under `dir`, its path. */
function dockerfile(text: string): string {
  const file = join(dir, `${randomBytes(4).toString('hex')}.Dockerfile`);
  writeFileSync(file, text);
  return file;
}

for (const name of ENGINES) {
  describe(`BuildKit client calls against ${name}`, { skip }, () => {
    const bx = (args: string[]) => docker(buildx.env(engine(name).env), args, { timeoutMs: 180_000 });

    test('buildx inspect and ls show the engine as a docker-driver builder with its platform', async (t) => {
      const inspect = await bx(['buildx', 'inspect']);
      assert.equal(inspect.code, 0, inspect.stderr);
      t.diagnostic(inspect.stdout);
      assert.match(inspect.stdout, /^Driver:\s+docker$/m);
      assert.match(inspect.stdout, /^Status:\s+running$/m);
      // From Control.ListWorkers: the worker's platforms (dockerd's BuildKit adds linux/386, which amd64 runs).
      assert.match(inspect.stdout, /^Platforms:\s+(\S+, )*linux\/amd64(,|$)/m);
      // buildx's docker driver shows the engine's version (GET /version) as the BuildKit version.
      const version = (await docker(engine(name).env, ['version', '-f', '{{.Server.Version}}'])).stdout.trim();
      assert.match(inspect.stdout, new RegExp(`^Buildkit:\\s+${version.replace(/[.+]/g, '\\$&')}$`, 'm'));
      const ls = await bx(['buildx', 'ls']);
      assert.equal(ls.code, 0, ls.stderr);
      t.diagnostic(ls.stdout);
      assert.match(ls.stdout, /^default \* docker\s*$/m);
      assert.match(ls.stdout, /^ {2}default default +running \S+ +(\S+, )*linux\/amd64(,|$)/m);
    });

    // The Control calls buildx makes before a build (ListWorkers) and BuildKit v0.11's Info, made directly.
    test('Control.ListWorkers names a worker for linux/amd64; Info gives the version (BuildKit v0.8: Unimplemented)', async () => {
      const { control, close } = await controlClient(engine(name).socketPath);
      try {
        const { record } = await control.listWorkers({});
        assert.ok(record.length >= 1);
        const platforms = record.flatMap((w) => w.platforms.map((p) => `${p.OS}/${p.Architecture}`));
        assert.ok(platforms.includes('linux/amd64'), platforms.join(' '));
        const info = await control.info({}).then(
          (r) => r.buildkitVersion,
          (err: unknown) => err as Error,
        );
        if (name === 'dockerd') {
          assert.ok(info instanceof Error);
          assert.match(info.message, /unimplemented|unknown method Info/i);
          return;
        }
        assert.ok(!(info instanceof Error), String(info));
        const version = (await docker(engine(name).env, ['version', '-f', '{{.Server.Version}}'])).stdout.trim();
        assert.equal(info?.version, version);
        assert.deepEqual(record[0]?.BuildkitVersion?.version, version);
      } finally {
        close();
      }
    });

    test('--load puts the image in the engine', async () => {
      const tag = `client-load-${name}:1`;
      const r = await bx([
        'build',
        '--progress=plain',
        '--load',
        '-t',
        tag,
        '-f',
        dockerfile('FROM busybox\nCOPY a.txt /loaded.txt\n'),
        dir,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const ran = await docker(engine(name).env, ['run', '--rm', '--network', 'none', tag, 'cat', '/loaded.txt']);
      assert.equal(ran.stdout, 'client calls\n', ran.stderr);
    });

    test("--cache-to type=inline, pushed to berth's registry; --cache-from type=registry reuses its steps", async () => {
      const env = engine(name).env;
      const nonce = randomBytes(4).toString('hex');
      const file = dockerfile(`FROM busybox\nRUN echo ran-${nonce} > /step.txt\nCOPY a.txt /a.txt\n`);
      const ref = `${registry.addr}/client-cache-${name}:${nonce}`;
      const built = await bx(['build', '--progress=plain', '--cache-to', 'type=inline', '-t', ref, '-f', file, dir]);
      assert.equal(built.code, 0, built.stderr);
      const pushed = await docker(env, ['push', ref]);
      assert.equal(pushed.code, 0, pushed.stderr);
      assert.equal((await docker(env, ['rmi', ref])).code, 0);
      const pruned = await bx(['buildx', 'prune', '-af']);
      assert.equal(pruned.code, 0, pruned.stderr);
      const tag = `client-cache-${name}:again`;
      const again = await bx([
        'build',
        '--progress=plain',
        '--cache-from',
        `type=registry,ref=${ref}`,
        '-t',
        tag,
        '-f',
        file,
        dir,
      ]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /#(\d+) \[2\/3\] RUN echo ran-[^\n]*\n#\1 CACHED/);
      assert.match(again.stderr, /#(\d+) \[3\/3\] COPY a\.txt \/a\.txt\n(#\1 pulling [^\n]*\n)*#\1 CACHED/);
      assert.doesNotMatch(again.stderr, new RegExp(` ran-${nonce}\\n`));
      const ran = await docker(env, ['run', '--rm', '--network', 'none', tag, 'cat', '/step.txt', '/a.txt']);
      assert.equal(ran.stdout, `ran-${nonce}\nclient calls\n`, ran.stderr);
    });

    // buildx's docker driver exports no cache but the inline one: it refuses type=registry itself, on either engine.
    test('--cache-to type=registry is refused by buildx for the docker driver', async () => {
      const r = await bx([
        'build',
        '--progress=plain',
        '--cache-to',
        `type=registry,ref=${registry.addr}/client-cache-export:1`,
        '-f',
        dockerfile('FROM busybox\n'),
        dir,
      ]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /ERROR: cache export feature is currently not supported for docker driver/);
    });

    test("docker build --progress=tty in a terminal draws BuildKit's live view", async () => {
      const tag = `client-tty-${name}:1`;
      const file = dockerfile(`FROM busybox\nRUN echo tty-${randomBytes(4).toString('hex')}\n`);
      const term = openTerminal(
        `env DOCKER_CONFIG=${buildx.env({}).DOCKER_CONFIG ?? ''} DOCKER_BUILDKIT=1 docker build --progress=tty -t ${tag} -f ${file} ${dir}`,
        engine(name).env,
        { width: 120, height: 40 },
      );
      terminals.push(term);
      const screen = await term.waitFor(/EXITED=\d+/, 120_000);
      assert.match(screen, /EXITED=0/, screen);
      // buildx 0.10's last frame says FINISHED only when every vertex it heard of has completed: dockerd 20.10's
      // status stream sometimes ends before its last vertex's completion (CI once saw the final frame at "(5/6)").
      const header =
        name === 'dockerd' ? /\[\+\] Building [\d.]+s \(\d+\/\d+\)/ : /\[\+\] Building [\d.]+s \(\d+\/\d+\) FINISHED/;
      assert.match(screen, header, screen);
      assert.match(screen, / => \[2\/2\] RUN echo tty-/, screen);
    });

    test('berth build --progress: tty and auto in a terminal draw the live view; auto piped and plain print lines', async () => {
      const file = dockerfile(`FROM busybox\nRUN echo berth-progress-${randomBytes(4).toString('hex')}\n`);
      for (const mode of ['tty', 'auto']) {
        const term = openTerminal(
          `${process.execPath} ${BERTH} build --progress=${mode} --network none -t client-berth-${mode}:1 -f ${file} ${dir}`,
          engine(name).env,
          { width: 120, height: 40 },
        );
        terminals.push(term);
        const screen = await term.waitFor(/EXITED=\d+/, 120_000);
        assert.match(screen, /EXITED=0/, `${mode}: ${screen}`);
        assert.match(screen, /\[\+\] Building [\d.]+s \(\d+\/\d+\) FINISHED/, `${mode}: ${screen}`);
        assert.match(screen, / => (CACHED )?\[2\/2\] RUN echo berth-progress-/, `${mode}: ${screen}`);
        assert.doesNotMatch(screen, /^#\d+ /m, `${mode}: no plain lines in a terminal`);
      }
      // Not a terminal: auto prints BuildKit's plain lines, as plain does.
      for (const mode of ['auto', 'plain']) {
        const r = await berth(engine(name).env, ['build', `--progress=${mode}`, '--network', 'none', '-f', file, dir], {
          timeoutMs: 120_000,
        });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /^#\d+ \[2\/2\] RUN echo berth-progress-/m, mode);
        assert.doesNotMatch(r.stderr, /\[\+\] Building/, mode);
      }
    });
  });
}
