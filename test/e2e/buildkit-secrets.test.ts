// RUN --mount=type=secret and type=ssh through buildx (BuildKit's session: the secrets provider and sshforward
// services) against Docker's engine 20.10 and berthd side by side: a secret from a file and one from an
// environment variable are readable in their RUN only and never land in a layer, the image config or its
// history; a missing required secret fails the step; a real ssh-agent answers `ssh-add -l` inside a RUN; a FROM
// image in a registry with basic auth is pulled with the credentials the client's session (Auth) gives.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ENGINES, skipClients, useEngines } from '../helpers/engines.js';
import { buildxConfig, type BuildxConfig } from '../helpers/buildx.js';
import { docker, run } from '../helpers/run.js';
import { hasDockerRegistry, startRegistry, type TestRegistry } from '../helpers/docker-registry.js';

const skip = skipClients();
const engine = useEngines(skip);

const FILE_SECRET = 'file-secret-7f3a9c';
const ENV_SECRET = 'env-secret-b21e40';

const SECRETS_DOCKERFILE = [
  'FROM busybox',
  'RUN --mount=type=secret,id=tok cat /run/secrets/tok && echo && ls -l /run/secrets/tok',
  'RUN --mount=type=secret,id=fromenv,target=/tmp/e,mode=0444,uid=1000 ls -ln /tmp/e && cat /tmp/e && echo',
  'RUN --mount=type=secret,id=absent test ! -e /run/secrets/absent && echo absent-is-skipped',
  'RUN echo after > /after.txt',
  '',
].join('\n');

// ssh-add from the host with its libraries and loader, bound into the RUN from the context (busybox has none).
const SSH_TOOLS = ['/usr/bin/ssh-add', '/lib64/ld-linux-x86-64.so.2'];

let buildx: BuildxConfig;
/** A DOCKER_CONFIG with buildx but no login. */
let anonymous: BuildxConfig;
let context: string;
/** docker-registry with htpasswd basic auth, holding busybox as PRIVATE_IMAGE (pushed after a docker login). */
let registry: TestRegistry | undefined;
let privateImage = '';

/** docker login writes the credentials into the test's own DOCKER_CONFIG (buildx's); the image is pushed from the
 * first engine and then untagged there, so every engine's build must pull it. */
async function pushPrivateImage(host: string): Promise<void> {
  const pusher = buildx.env(engine(ENGINES[0] as (typeof ENGINES)[number]).env);
  const login = await docker(pusher, ['login', '-u', 'bkuser', '--password-stdin', host], { input: 'bkpass' });
  assert.equal(login.code, 0, login.stderr);
  for (const args of [
    ['tag', 'busybox', privateImage],
    ['push', privateImage],
    ['rmi', privateImage],
  ]) {
    const r = await docker(pusher, args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
}
let agent: ChildProcess | undefined;
let agentSocket: string;

async function startAgent(dir: string): Promise<void> {
  agentSocket = join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: ['ignore', 'pipe', 'inherit'] });
  agent = child;
  // ssh-agent -D prints its SSH_AUTH_SOCK line once it listens.
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.on('data', (c: Buffer) => {
      if (c.toString().includes('SSH_AUTH_SOCK')) resolve();
    });
  });
  const key = join(dir, 'key');
  const gen = await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'berth-bk-test-key', '-f', key]);
  assert.equal(gen.code, 0, gen.stderr);
  const add = await run('ssh-add', [key], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket } });
  assert.equal(add.code, 0, add.stderr);
}

before(async () => {
  if (skip) return;
  buildx = buildxConfig();
  context = mkdtempSync(join(tmpdir(), 'berth-buildkit-secrets-'));
  writeFileSync(join(context, 'Dockerfile'), SECRETS_DOCKERFILE);
  writeFileSync(join(context, 'tok.txt'), FILE_SECRET);
  writeFileSync(join(context, '.dockerignore'), 'tok.txt\nagent\n');
  writeFileSync(
    join(context, 'Dockerfile.required'),
    'FROM busybox\nRUN --mount=type=secret,id=nothere,required=true cat /run/secrets/nothere\n',
  );
  const tools = join(context, 'sshtools');
  mkdirSync(tools);
  const ldd = await run('ldd', ['/usr/bin/ssh-add']);
  const libs = [...ldd.stdout.matchAll(/=> (\/\S+)/g)].map((m) => m[1] as string);
  for (const file of [...SSH_TOOLS, ...libs]) copyFileSync(file, join(tools, basename(file)));
  writeFileSync(
    join(context, 'Dockerfile.ssh'),
    [
      'FROM busybox',
      'RUN --mount=type=ssh --mount=type=bind,source=sshtools,target=/t echo "sock=$SSH_AUTH_SOCK" && /t/ld-linux-x86-64.so.2 --library-path /t /t/ssh-add -l',
      'RUN --mount=type=ssh,id=other,target=/tmp/agent echo "other=$SSH_AUTH_SOCK" && test ! -e /tmp/agent',
      '',
    ].join('\n'),
  );
  writeFileSync(join(context, 'Dockerfile.sshrequired'), 'FROM busybox\nRUN --mount=type=ssh,required=true echo x\n');
  const agentDir = join(context, 'agent');
  mkdirSync(agentDir);
  await startAgent(agentDir);

  if (!hasDockerRegistry()) return;
  registry = await startRegistry({ users: { bkuser: 'bkpass' } });
  privateImage = `${registry.host}/private/img:1`;
  writeFileSync(join(context, 'Dockerfile.private'), `FROM ${privateImage}\nLABEL from=private\n`);
  anonymous = buildxConfig();
  // useEngines' before() is still running beside this one (node:test 20 starts top-level hooks at once).
  await engine.ready();
  await pushPrivateImage(registry.host);
});

after(async () => {
  agent?.kill();
  await registry?.stop();
  anonymous?.cleanup();
  buildx?.cleanup();
  if (context) rmSync(context, { recursive: true, force: true });
});

for (const name of ENGINES) {
  describe(`RUN --mount=type=secret|ssh with buildx against ${name}`, { skip }, () => {
    const build = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      docker({ ...buildx.env(engine(name).env), ...env }, ['build', '--progress=plain', ...args, context], {
        timeoutMs: 120_000,
      });

    test('secrets from a file and from the environment reach their RUN and nothing of them the image', async () => {
      const r = await build(
        ['--secret', `id=tok,src=${join(context, 'tok.txt')}`, '--secret', 'id=fromenv,env=BK_SECRET', '-t', 'bk-sec'],
        { BK_SECRET: ENV_SECRET },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`#\\d+ [\\d.]+ ${FILE_SECRET}\\n`));
      assert.match(r.stderr, /#\d+ [\d.]+ -r-------- +1 root +root +\d+ .* \/run\/secrets\/tok\n/);
      assert.match(r.stderr, /#\d+ [\d.]+ -r--r--r-- +1 1000 +0 +\d+ .* \/tmp\/e\n/);
      assert.match(r.stderr, new RegExp(`#\\d+ [\\d.]+ ${ENV_SECRET}\\n`));
      assert.match(r.stderr, /#\d+ [\d.]+ absent-is-skipped\n/);

      const env = engine(name).env;
      // Every layer, the config and the history, as `docker save` writes them.
      const saved = await docker(env, ['save', 'bk-sec'], { timeoutMs: 60_000 });
      assert.equal(saved.code, 0, saved.stderr);
      assert.ok(saved.stdout.includes('after'), 'the save holds the last layer');
      assert.ok(!saved.stdout.includes(FILE_SECRET), 'the file secret is in the image');
      assert.ok(!saved.stdout.includes(ENV_SECRET), 'the env secret is in the image');
      // The mount points are not files of the image (the directories made for them are, as in Docker 20.10).
      const created = await docker(env, ['create', 'bk-sec']);
      assert.equal(created.code, 0, created.stderr);
      const listed = await run('sh', ['-c', `docker export ${created.stdout.trim()} | tar -t`], { env });
      assert.ok(!listed.stdout.includes('run/secrets/tok'), listed.stdout);
      assert.ok(!listed.stdout.includes('tmp/e\n'), listed.stdout);
      assert.match(listed.stdout, /^after\.txt$/m);
      await docker(env, ['rm', created.stdout.trim()]);
    });

    test('a rebuild without the secrets takes the steps from the cache', async () => {
      const r = await build(['-t', 'bk-sec-again']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /#(\d+) \[2\/5\] RUN --mount=type=secret,id=tok[^\n]*\n#\1 CACHED/);
    });

    test('a missing required secret fails its step', async () => {
      const r = await build(['-f', join(context, 'Dockerfile.required')]);
      assert.equal(r.code, 1, r.stderr);
      // BuildKit 0.8 (Docker 20.10) said "secret nothere not found: not found"; buildx's v0.11 says it as berth does.
      assert.match(r.stderr, /ERROR: failed to solve: secret nothere( not found)?: not found/);
    });

    test('ssh forwarding reaches the client ssh-agent inside the RUN', async () => {
      const r = await build(['--ssh', `default=${agentSocket}`, '-f', join(context, 'Dockerfile.ssh'), '--no-cache']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /#\d+ [\d.]+ sock=\/run\/buildkit\/ssh_agent\.0\n/);
      assert.match(r.stderr, /#\d+ [\d.]+ 256 SHA256:\S+ berth-bk-test-key \(ED25519\)\n/);
      // An optional agent the client does not forward: left out, SSH_AUTH_SOCK still names its target.
      assert.match(r.stderr, /#\d+ [\d.]+ other=\/tmp\/agent\n/);
    });

    test('a base image in a registry with basic auth: pulled with the credentials the client session gives', async () => {
      if (!registry) return void assert.fail('docker-registry is not installed (scripts/setup.sh)');
      const file = join(context, 'Dockerfile.private');
      // Without a login the client has no credentials for the registry: the pull is refused.
      const refused = await docker(
        anonymous.env(engine(name).env),
        ['build', '--progress=plain', '-f', file, context],
        {
          timeoutMs: 120_000,
        },
      );
      assert.notEqual(refused.code, 0, refused.stderr);
      assert.match(refused.stderr, /401 Unauthorized|authorization|unauthorized/i);
      const r = await build(['-f', file, '-t', 'bk-private:1']);
      assert.equal(r.code, 0, r.stderr);
      const labels = await docker(engine(name).env, [
        'image',
        'inspect',
        '-f',
        '{{.Config.Labels.from}}',
        'bk-private:1',
      ]);
      assert.equal(labels.stdout, 'private\n');
    });

    test('a required ssh agent the client does not forward fails its step', async () => {
      const r = await build(['-f', join(context, 'Dockerfile.sshrequired')]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        /ERROR: failed to solve: (rpc error: code = Unknown desc = )?unset ssh forward key default/,
      );
    });
  });
}
