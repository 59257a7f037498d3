// `berth compose` against Docker's engine and berthd side by side (each scenario runs on both at once, one daemon pair
// for the file): one service, web + database, several networks; images built from `build:` through /build, pushed to
// and pulled from a loopback registry; `extends` and `include`; refusals. Every project comes up, answers (a
// published loopback port, a service by name, an alias), and `down -v` leaves no container, network or volume with
// its label behind. A second `up -d` of an unchanged file touches nothing; a changed service is recreated and its
// named volume survives.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { skipV1, useComposeEngines } from './compose-harness.js';
import { startInProcessRegistry, type TestRegistry } from '../helpers/registry.js';

const scenario = useComposeEngines();
let registry: TestRegistry;
before(async () => {
  registry = await startInProcessRegistry();
});
after(() => registry?.close());

function httpGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

scenario('one service: Compose labels and names, a published loopback port, ps, logs', async (s) => {
  await s.ok('single', ['up', '-d']);
  const port = (await s.dockerOk(['port', 'single-web-1', '8080/tcp'])).trim();
  assert.match(port, /^127\.0\.0\.1:\d+$/);
  // httpd may need a moment after the start to listen: ask until it answers (at most 10 s).
  let body = '';
  for (let i = 0; i < 200 && body === ''; i++) {
    body = await httpGet(Number(port.split(':')[1]), '/').catch(() => '');
    if (body === '') await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(body, 'hello from web\n');
  const labels = JSON.parse(await s.inspect('single-web-1', '{{json .Config.Labels}}')) as Record<string, string>;
  assert.equal(labels['com.docker.compose.project'], 'single');
  assert.equal(labels['com.docker.compose.service'], 'web');
  assert.equal(labels['com.docker.compose.container-number'], '1');
  assert.equal(labels['com.docker.compose.oneoff'], 'False');
  assert.equal(labels['com.docker.compose.project.working_dir'], join(s.corpus, 'single'));
  assert.equal(labels['com.docker.compose.project.config_files'], join(s.corpus, 'single/compose.yaml'));
  assert.match(labels['com.docker.compose.config-hash'] ?? '', /^[0-9a-f]{64}$/);
  assert.equal(await s.inspect('single-web-1', '{{.HostConfig.NetworkMode}}'), 'single_default');
  const ps = (await s.ok('single', ['ps'])).stdout;
  assert.match(ps, /^NAME\s+IMAGE\s+COMMAND\s+SERVICE\s+CREATED\s+STATUS\s+PORTS\n/);
  assert.match(ps, /^single-web-1\s+busybox\s+.*\s+web\s+.*Up .*127\.0\.0\.1:\d+->8080\/tcp/m);
  await s.ok('single', ['stop']);
  assert.equal(await s.inspect('single-web-1', '{{.State.Status}}'), 'exited');
  assert.equal((await s.ok('single', ['ps'])).stdout.split('\n').length, 2, 'ps shows running containers only');
  await s.ok('single', ['start']);
  assert.equal(await s.inspect('single-web-1', '{{.State.Status}}'), 'running');
  await s.downClean('single', 'single');
});

scenario(
  'web + database: up --wait, service_healthy, DNS by service name, no-op second up, recreation keeps the volume',
  async (s) => {
    // --wait: returns once db is healthy and web runs.
    await s.ok('web-db', ['up', '--wait']);
    // web fetched its page from db by name at its start, which it could only do once db was up.
    const page = await s.exec('webdb-web-1', ['wget', '-qO-', 'http://127.0.0.1:80/']);
    assert.equal(page.stdout, 'rows from db\n', page.stderr);
    assert.equal(await s.inspect('webdb-db-1', '{{.State.Health.Status}}'), 'healthy');
    assert.equal(
      await s.inspect('webdb-web-1', '{{index .Config.Labels "com.docker.compose.depends_on"}}'),
      'db:service_healthy:true',
    );
    const ids = async (): Promise<string> =>
      s.dockerOk(['ps', '-aq', '--no-trunc', '--filter', 'label=com.docker.compose.project=webdb']);
    const before = await ids();
    const started = await s.inspect('webdb-db-1', '{{.State.StartedAt}}');
    const again = await s.ok('web-db', ['up', '-d']);
    assert.equal(await ids(), before, 'a second up recreates nothing');
    assert.equal(await s.inspect('webdb-db-1', '{{.State.StartedAt}}'), started, 'and restarts nothing');
    assert.doesNotMatch(again.stderr, /Creat|Start/);
    // Data written at run time into the named volume survives db's recreation (its environment changed).
    assert.equal((await s.exec('webdb-db-1', ['sh', '-c', 'echo kept > /data/marker'])).code, 0);
    const dbId = await s.inspect('webdb-db-1', '{{.Id}}');
    const webId = await s.inspect('webdb-web-1', '{{.Id}}');
    const webStarted = await s.inspect('webdb-web-1', '{{.State.StartedAt}}');
    await s.ok('web-db', ['up', '-d'], { DB_VERSION: '2' });
    assert.notEqual(await s.inspect('webdb-db-1', '{{.Id}}'), dbId, 'db recreated');
    assert.equal((await s.exec('webdb-db-1', ['cat', '/data/marker'])).stdout, 'kept\n');
    // depends_on restart: true: web (unchanged, kept) was stopped before db's recreation and started once the new db
    // was healthy (it fetches from db at its start and exits when it cannot; restart: 'no').
    const restarted = async (since: string): Promise<string> => {
      assert.equal(await s.inspect('webdb-web-1', '{{.Id}}'), webId, 'web kept');
      const [status, at] = (await s.inspect('webdb-web-1', '{{.State.Status}} {{.State.StartedAt}}')).split(' ');
      assert.equal(status, 'running');
      assert.ok(Date.parse(at ?? '') > Date.parse(since), `web restarted: ${at} after ${since}`);
      return at ?? '';
    };
    const afterRecreate = await restarted(webStarted);
    // `restart db` restarts web after it, as Compose v2 does.
    await s.ok('web-db', ['restart', 'db'], { DB_VERSION: '2' });
    await restarted(afterRecreate);
    const page2 = await s.exec('webdb-web-1', ['wget', '-qO-', 'http://127.0.0.1:80/']);
    assert.equal(page2.stdout, 'rows from db\n', page2.stderr);
    const logs = (await s.ok('web-db', ['logs', '--no-color', 'db'])).stdout;
    assert.doesNotMatch(logs, /^(?!db-1 {2}\| ).+$/m, 'every line carries the container prefix');
    const broken = await s.compose('web-db', ['--profile', 'broken', 'up', '--wait', 'broken']);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /container webdb-broken-1 exited \(4\)\n$/);
    await s.downClean('web-db', 'webdb');
  },
);

scenario('several networks: aliases answer, networks keep services apart', async (s) => {
  await s.ok('networks', ['up', '-d']);
  const viaAlias = await s.exec('networks-proxy-1', ['wget', '-qO-', 'http://api/']);
  assert.equal(viaAlias.stdout, 'app\n', viaAlias.stderr);
  const viaName = await s.exec('networks-proxy-1', ['wget', '-qO-', 'http://app/']);
  assert.equal(viaName.stdout, 'app\n', viaName.stderr);
  const fromFront = await s.exec('networks-client-1', ['wget', '-T', '2', '-qO-', 'http://app/']);
  assert.notEqual(fromFront.code, 0, 'client (front only) must not reach app (back only)');
  const nets = (
    await s.dockerOk([
      'network',
      'ls',
      '--filter',
      'label=com.docker.compose.project=networks',
      '--format',
      '{{.Name}} {{.Labels}}',
    ])
  )
    .split('\n')
    .filter(Boolean)
    .sort();
  assert.equal(nets.length, 2);
  assert.match(nets[0] ?? '', /^networks_back .*tier=back/);
  assert.match(nets[0] ?? '', /com\.docker\.compose\.network=back/);
  assert.match(nets[1] ?? '', /^networks_front /);
  await s.downClean('networks', 'networks');
});

scenario(
  'build: context, dockerfile, args, target; up --build recreates on a changed image; down --rmi local',
  async (s) => {
    const up = await s.ok('build', ['up', '-d']);
    assert.match(up.stderr, /Service app {2}Built/);
    const logs = async (): Promise<string> =>
      (await s.ok('build', ['logs', '--no-color', '--no-log-prefix', 'app'])).stdout;
    // The container's output may lag its start: wait for the three lines.
    let out = '';
    for (let i = 0; i < 100 && !/1\n$/.test(out); i++) {
      out = await logs();
      if (!/1\n$/.test(out)) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(out, 'hello from a build arg\nfinal\n1\n');
    assert.equal(await s.inspect('build-app-1', '{{.Config.Image}}'), 'build-app');
    assert.equal((await s.exec('build-tool-1', ['cat', '/stage'])).stdout, 'tool\n');
    const imageId = await s.inspect('build-app-1', '{{.Image}}');
    assert.equal(await s.inspect('build-app-1', '{{index .Config.Labels "com.docker.compose.image"}}'), imageId);
    const appId = await s.inspect('build-app-1', '{{.Id}}');
    // Unchanged: a second up neither builds nor recreates.
    const again = await s.ok('build', ['up', '-d']);
    assert.doesNotMatch(again.stderr, /Build|Creat|Recreat/);
    assert.equal(await s.inspect('build-app-1', '{{.Id}}'), appId);
    // A changed context and --build: a new image, the container recreated from it.
    writeFileSync(join(s.corpus, 'build/app/version'), '2\n');
    const rebuilt = await s.ok('build', ['up', '-d', '--build', 'app']);
    assert.match(rebuilt.stderr, /Recreated/);
    assert.notEqual(await s.inspect('build-app-1', '{{.Image}}'), imageId);
    assert.equal((await s.exec('build-app-1', ['cat', '/version'])).stdout, '2\n');
    await s.ok('build', ['down', '--rmi', 'local']);
    assert.deepEqual(await s.leftovers('build'), []);
    const images = (await s.dockerOk(['images', '--format', '{{.Repository}}:{{.Tag}}'])).split('\n');
    assert.ok(!images.includes('build-app:latest'), 'build-app removed (local: built, not named)');
    assert.ok(images.includes('berth-compose-test/tool:1'), 'a named image is kept by --rmi local');
    await s.dockerOk(['rmi', 'berth-compose-test/tool:1']);
  },
);

scenario(
  'build secrets: a file and an environment secret mounted into RUN over the CLI session (BuildKit), not in the image',
  async (s) => {
    const env = { BUILD_API_KEY: `key-for-${s.name}` };
    // Unset, the environment source is refused before any build, naming the variable and the secret.
    const unset = await s.compose('build-secrets', ['build']);
    assert.equal(unset.code, 1);
    assert.match(unset.stderr, /environment variable "BUILD_API_KEY" required by secrets "api_key" is not set/);
    const up = await s.ok('build-secrets', ['up', '-d'], env);
    assert.match(up.stderr, /Service app {2}Built/);
    // The RUN step (which fails without either secret: required=true) wrote both values into the image.
    const out = await s.exec('build-secrets-app-1', ['cat', '/out']);
    assert.equal(out.stdout, `token-from-file\nkey-for-${s.name}`, out.stderr);
    // The secrets were mounted for that step only: the image has no file of them (BuildKit may leave the empty
    // mount point /run/secrets behind, as dockerd's does).
    const ls = await s.exec('build-secrets-app-1', ['find', '/run/secrets', '-type', 'f']);
    assert.equal(ls.stdout, '', ls.stderr);
    // A rebuild with another value of the secret (no cache: a secret is not part of the step's cache key).
    const rebuilt = await s.ok('build-secrets', ['build', '--no-cache'], { BUILD_API_KEY: 'changed' });
    assert.equal(rebuilt.code, 0);
    const image = await s.dockerOk(['run', '--rm', 'build-secrets-app', 'cat', '/out']);
    assert.equal(image, 'token-from-file\nchanged');
    await s.ok('build-secrets', ['down', '--rmi', 'local'], env);
    assert.deepEqual(await s.leftovers('build-secrets'), []);
  },
);

scenario('push to and pull from a loopback registry', async (s) => {
  const env = { REGISTRY: registry.addr, REPO: `pushed-${s.name}` };
  await s.ok('registry', ['build'], env);
  await s.ok('registry', ['push'], env);
  await s.dockerOk(['rmi', `${registry.addr}/pushed-${s.name}:1`]);
  await s.ok('registry', ['pull'], env);
  assert.equal((await s.ok('registry', ['run', '--rm', 'puller'], env)).stdout, 'made here\n');
  await s.ok('registry', ['down', '--rmi', 'all'], env);
  assert.deepEqual(await s.leftovers('registry'), []);
});

// The same file under docker-compose 1.29 (its builder is docker-py's classic /build; push and pull through the
// engine's own registry client), on both engines: the part of the corpus that needs this file's loopback registry.
scenario(
  'push to and pull from a loopback registry with docker-compose 1.29: build, push, pull, run -d, down --rmi all',
  async (s) => {
    const env = { REGISTRY: registry.addr, REPO: `pushed-v1-${s.name}` };
    await s.v1Ok('registry', ['build'], env);
    await s.v1Ok('registry', ['push'], env);
    await s.dockerOk(['rmi', `${registry.addr}/pushed-v1-${s.name}:1`]);
    await s.v1Ok('registry', ['pull'], env);
    // Detached, then its logs: 1.29's attached run attaches after the start, so a command this short may print before
    // it (clients-compose.test.ts, the oneoff scenario).
    const oneoff = (await s.v1Ok('registry', ['run', '-d', 'puller'], env)).stdout.trim();
    assert.equal(await s.dockerOk(['wait', oneoff]), '0\n');
    assert.equal(await s.dockerOk(['logs', oneoff]), 'made here\n');
    await s.dockerOk(['rm', oneoff]);
    await s.v1Ok('registry', ['down', '--rmi', 'all'], env);
    assert.deepEqual(await s.leftovers('registry'), []);
    const images = await s.dockerOk(['images', '--format', '{{.Repository}}']);
    assert.ok(!images.includes(`pushed-v1-${s.name}`), images);
  },
  { skip: skipV1() },
);

scenario('extends: a service of this file, and one of another file with its relative paths', async (s) => {
  await s.ok('extends', ['up', '-d']);
  const env = async (c: string): Promise<string[]> => (await s.exec(c, ['env'])).stdout.split('\n');
  const child = await env('extends-child-1');
  assert.ok(child.includes('LEVEL=child') && child.includes('OWN=yes'), child.join('\n'));
  const remote = await env('extends-remote-1');
  assert.ok(remote.includes('FROM_SHARED_FILE=shared') && remote.includes('LOCAL=here'), remote.join('\n'));
  assert.equal(await s.inspect('extends-remote-1', '{{index .Config.Labels "berth.test/from"}}'), 'common');
  assert.equal(await s.inspect('extends-child-1', '{{json .Config.Cmd}}'), '["sleep","3600"]');
  await s.downClean('extends', 'extends');
});

scenario('include: short and long syntax, each part with its own directory and variables', async (s) => {
  await s.ok('include', ['up', '-d']);
  const services = (await s.ok('include', ['ps', '--services'])).stdout.split('\n').filter(Boolean).sort();
  assert.deepEqual(services, ['cache', 'db', 'web']);
  // web reaches the included db (its bind mount resolved in db/) and cache (its env_file in cache/conf/) by name.
  const db = await s.exec('include-web-1', ['wget', '-qO-', 'http://db:5432/']);
  assert.equal(db.stdout, 'rows from the included db\n', db.stderr);
  const cache = await s.exec('include-web-1', ['wget', '-qO-', 'http://cache:6379/']);
  assert.equal(cache.stdout, 'cache from vars/cache.env mode-from-conf\n', cache.stderr);
  const dbEnv = (await s.exec('include-db-1', ['env'])).stdout.split('\n');
  assert.ok(dbEnv.includes('DB_NAME=from-db-dotenv'), dbEnv.join('\n'));
  await s.downClean('include', 'include');
});

// Refused while loading, before any request to the engine: one engine says all there is to say.
scenario(
  'refusals: what berth compose does not honour (file and line), an include conflict; nothing created',
  async (s) => {
    const r = await s.compose('unsupported', ['up', '-d']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `${join(s.corpus, 'unsupported/compose.yaml')}:7:11: services.web.deploy.resources.reservations.devices is not supported by berth compose yet\n`,
    );
    assert.deepEqual(await s.leftovers('unsupported'), []);
    const dir = join(s.corpus, 'include-conflict');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'compose.yaml'),
      'include: [../include/db/compose.yaml]\nservices:\n  db: {image: busybox}\n',
    );
    const conflict = await s.compose('include-conflict', ['up', '-d']);
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /services\.db conflicts with imported resource/);
    assert.deepEqual(await s.leftovers('include-conflict'), []);
  },
  { engines: ['berthd'] },
);
