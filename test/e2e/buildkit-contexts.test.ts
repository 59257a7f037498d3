// Build contexts other than one local directory, through buildx against Docker's engine 20.10 and berthd side by
// side. Named contexts (`--build-context NAME=DIR|docker-image://REF`): BuildKit's frontend attributes
// `context:NAME` = `local:NAME` (the directory over the session's filesync under its own name) or
// `docker-image://REF`, which FROM NAME, COPY --from=NAME and RUN --mount=from=NAME then stand for. Docker 20.10's
// built-in frontend (BuildKit v0.8) refuses them (`unsupported frontend capability moby.buildkit.frontend.contexts`);
// berthd builds them as BuildKit v0.10+ does. Then the context `docker build` takes from stdin (a tar), an http URL
// (a tar, or a bare Dockerfile) and a git repository, from loopback servers started here.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, skipClients, useEngines } from '../helpers/engines.js';
import { buildxConfig, type BuildxConfig } from '../helpers/buildx.js';
import { docker } from '../helpers/run.js';

const skip = skipClients();
const engine = useEngines(skip);

let buildx: BuildxConfig;
let root: string;
/** A tar context (Dockerfile and a file), and the loopback HTTP server that serves it and a bare Dockerfile. */
let contextTar: Buffer;
const BARE_DOCKERFILE = 'FROM busybox\nRUN echo from-a-url-dockerfile > /bare.txt\n';
const web = {
  port: 0,
  server: createServer((req, res) => {
    if (req.url === '/ctx.tar') return void res.writeHead(200).end(contextTar);
    if (req.url === '/Dockerfile') return void res.writeHead(200).end(BARE_DOCKERFILE);
    res.writeHead(404).end();
  }),
};
const urlOf = (path: string): string => `http://127.0.0.1:${web.port}${path}`;
/** A loopback `git daemon` serving one repository (a branch `main` with the context in `app/`). */
const gitd: { port: number; process?: ChildProcess } = { port: 0 };

async function freePort(): Promise<number> {
  const s = createTcpServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  s.close();
  await once(s, 'close');
  return port;
}

async function startGitDaemon(base: string): Promise<void> {
  const repo = join(base, 'repo.git');
  const work = join(base, 'work');
  mkdirSync(join(work, 'app'), { recursive: true });
  writeFileSync(join(work, 'app', 'Dockerfile'), 'FROM busybox\nCOPY from-git.txt /\nCMD ["cat", "/from-git.txt"]\n');
  writeFileSync(join(work, 'app', 'from-git.txt'), 'checked out from git\n');
  writeFileSync(join(work, 'Dockerfile'), 'FROM busybox\nCOPY app/from-git.txt /root.txt\nCMD ["cat", "/root.txt"]\n');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: work, stdio: 'pipe' });
  git('init', '-q', '-b', 'main', '.');
  git('add', '.');
  git('commit', '-q', '-m', 'context');
  execFileSync('git', ['clone', '-q', '--bare', work, repo], { stdio: 'pipe' });
  gitd.port = await freePort();
  gitd.process = spawn(
    'git',
    ['daemon', '--reuseaddr', '--export-all', `--base-path=${base}`, '--listen=127.0.0.1', `--port=${gitd.port}`, base],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // Ready when it answers an ls-remote.
  for (let i = 0; ; i++) {
    try {
      execFileSync('git', ['ls-remote', `git://127.0.0.1:${gitd.port}/repo.git`], { stdio: 'pipe' });
      return;
    } catch (err) {
      if (i > 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

before(async () => {
  if (skip) return;
  web.server.listen(0, '127.0.0.1');
  await once(web.server, 'listening');
  web.port = (web.server.address() as AddressInfo).port;
  buildx = buildxConfig();
  root = mkdtempSync(join(tmpdir(), 'berth-buildkit-contexts-'));
  for (const d of ['main', 'extra']) mkdirSync(join(root, d));
  writeFileSync(
    join(root, 'main', 'Dockerfile'),
    [
      'FROM base',
      'COPY --from=extra x.txt /x.txt',
      'RUN --mount=from=extra,target=/m cat /m/x.txt > /mounted.txt',
      'CMD ["cat", "/x.txt", "/mounted.txt"]',
      '',
    ].join('\n'),
  );
  writeFileSync(join(root, 'main', 'Dockerfile.from-dir'), 'FROM extra\n');
  writeFileSync(join(root, 'extra', 'x.txt'), 'from the extra context\n');
  writeFileSync(join(root, 'extra', 'secret.txt'), 'never sent\n');
  writeFileSync(join(root, 'extra', '.dockerignore'), 'secret.txt\n');
  mkdirSync(join(root, 'tarred'));
  writeFileSync(join(root, 'tarred', 'Dockerfile'), 'FROM busybox\nCOPY in-tar.txt /\nCMD ["cat", "/in-tar.txt"]\n');
  writeFileSync(join(root, 'tarred', 'Dockerfile.other'), 'FROM busybox\nCOPY in-tar.txt /other.txt\n');
  writeFileSync(join(root, 'tarred', 'in-tar.txt'), 'came in a tar\n');
  execFileSync('tar', ['-cf', join(root, 'ctx.tar'), '-C', join(root, 'tarred'), '.']);
  contextTar = readFileSync(join(root, 'ctx.tar'));
  mkdirSync(join(root, 'git'));
  await startGitDaemon(join(root, 'git'));
});

after(() => {
  gitd.process?.kill();
  web.server.close();
  buildx?.cleanup();
  if (root) rmSync(root, { recursive: true, force: true });
});

for (const name of ENGINES) {
  describe(`named build contexts with buildx against ${name}`, { skip }, () => {
    const build = (args: string[]) =>
      docker(buildx.env(engine(name).env), ['build', '--progress=plain', ...args, join(root, 'main')], {
        timeoutMs: 120_000,
      });
    const extra = () => ['--build-context', `extra=${join(root, 'extra')}`];

    test('FROM, COPY --from and RUN --mount=from= name a directory and an image', async () => {
      const r = await build([...extra(), '--build-context', 'base=docker-image://busybox:latest', '-t', 'nc:one']);
      if (name === 'dockerd') {
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /unsupported frontend capability moby\.buildkit\.frontend\.contexts/);
        return;
      }
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /#\d+ \[context extra\] load from client\n/);
      assert.match(r.stderr, /#\d+ \[1\/3\] FROM docker\.io\/library\/busybox:latest\n/);
      const ran = await docker(engine(name).env, ['run', '--rm', '--network', 'none', 'nc:one']);
      assert.equal(ran.code, 0, ran.stderr);
      assert.equal(ran.stdout, 'from the extra context\nfrom the extra context\n');
    });

    test("the named directory's .dockerignore keeps its files out; FROM a directory is that directory", async () => {
      const r = await build([...extra(), '-f', join(root, 'main', 'Dockerfile.from-dir'), '-t', 'nc:dir']);
      if (name === 'dockerd') {
        assert.match(r.stderr, /unsupported frontend capability moby\.buildkit\.frontend\.contexts/);
        return;
      }
      assert.equal(r.code, 0, r.stderr);
      const out = join(root, 'out.tar');
      const saved = await docker(engine(name).env, ['create', '--name', 'nc-dir', 'nc:dir', 'none']);
      assert.equal(saved.code, 0, saved.stderr);
      try {
        const files = await docker(engine(name).env, ['export', '-o', out, 'nc-dir']);
        assert.equal(files.code, 0, files.stderr);
        const { execFileSync } = await import('node:child_process');
        const listed = execFileSync('tar', ['-tf', out], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
        assert.ok(listed.includes('x.txt'), listed.join(' '));
        assert.ok(!listed.includes('secret.txt'), listed.join(' '));
      } finally {
        await docker(engine(name).env, ['rm', 'nc-dir']);
      }
    });

    test('a named context from a git repository or URL is refused by name', async () => {
      const r = await build(['--build-context', 'extra=http://127.0.0.1:1/x.tar', '-t', 'nc:url']);
      assert.notEqual(r.code, 0);
      if (name === 'berthd') assert.match(r.stderr, /named context extra=http:\/\/127\.0\.0\.1:1\/x\.tar/);
    });
  });
}

for (const name of ENGINES) {
  describe(`stdin and URL build contexts with buildx against ${name}`, { skip }, () => {
    const build = (args: string[], input?: Buffer) =>
      docker(buildx.env(engine(name).env), ['build', '--progress=plain', ...args], {
        timeoutMs: 120_000,
        ...(input ? { input } : {}),
      });
    const ran = async (image: string, ...cmd: string[]): Promise<string> => {
      const r = await docker(engine(name).env, ['run', '--rm', '--network', 'none', image, ...cmd]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };

    test('docker build - < ctx.tar: the tar comes through the session (Upload) and is the context', async () => {
      const r = await build(['-t', 'rc:stdin', '-'], contextTar);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /#\d+ \[internal\] load remote build context\n/);
      assert.equal(await ran('rc:stdin'), 'came in a tar\n');
      const other = await build(['-t', 'rc:stdin-other', '-f', 'Dockerfile.other', '-'], contextTar);
      assert.equal(other.code, 0, other.stderr);
      assert.equal(await ran('rc:stdin-other', 'cat', '/other.txt'), 'came in a tar\n');
      // Not an archive: stdin is the Dockerfile (buildx sends it as the session's dockerfile dir, empty context).
      const bare = await build(['-t', 'rc:stdin-dockerfile', '-'], Buffer.from(BARE_DOCKERFILE));
      assert.equal(bare.code, 0, bare.stderr);
      assert.equal(await ran('rc:stdin-dockerfile', 'cat', '/bare.txt'), 'from-a-url-dockerfile\n');
    });

    test('a tar URL is the context; a URL of anything else is the Dockerfile', async () => {
      const r = await build(['-t', 'rc:url', urlOf('/ctx.tar')]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await ran('rc:url'), 'came in a tar\n');
      const bare = await build(['-t', 'rc:bare', urlOf('/Dockerfile')]);
      assert.equal(bare.code, 0, bare.stderr);
      assert.equal(await ran('rc:bare', 'cat', '/bare.txt'), 'from-a-url-dockerfile\n');
    });

    test('a git repository on a loopback git daemon: #ref, and #ref:subdir (BuildKit v0.8 has no subdir)', async () => {
      const repo = `git://127.0.0.1:${gitd.port}/repo.git`;
      const r = await build(['-t', 'rc:git', `${repo}#main`]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await ran('rc:git'), 'checked out from git\n');
      const sub = await build(['-t', 'rc:git-sub', `${repo}#main:app`]);
      if (name === 'dockerd') {
        assert.match(sub.stderr, /subdir not supported yet/);
        return;
      }
      assert.equal(sub.code, 0, sub.stderr);
      assert.equal(await ran('rc:git-sub'), 'checked out from git\n');
    });

    test('a URL that answers 404 fails the build', async () => {
      const r = await build(['-t', 'rc:missing', urlOf('/missing.tar')]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /invalid response status 404/);
    });
  });
}
