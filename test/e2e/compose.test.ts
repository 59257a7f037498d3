// `berth compose` against Docker's engine and berthd side by side (each scenario runs on both at once): one service,
// web + database, several networks, and refusals. Every project comes up, answers (a published loopback port, a
// service by name, an alias), and `down -v` leaves no container, network or volume with its label behind. A second
// `up -d` of an unchanged file touches nothing; a changed service is recreated and its named volume survives.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useComposeEngines } from './compose-harness.js';
import { get } from 'node:http';

const scenario = useComposeEngines();

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
  assert.deepEqual((await s.ok('single', ['ps', '--services'])).stdout, 'web\n');
  await s.ok('single', ['stop']);
  assert.equal(await s.inspect('single-web-1', '{{.State.Status}}'), 'exited');
  assert.equal((await s.ok('single', ['ps'])).stdout.split('\n').length, 2, 'ps shows running containers only');
  await s.ok('single', ['start']);
  assert.equal(await s.inspect('single-web-1', '{{.State.Status}}'), 'running');
  await s.downClean('single', 'single');
});

scenario(
  'web + database: service_healthy, DNS by service name, no-op second up, recreation keeps the volume',
  async (s) => {
    await s.ok('web-db', ['up', '-d']);
    // web fetched its page from db by name at its start, which it could only do once db was up.
    const page = await s.exec('webdb-web-1', ['wget', '-qO-', 'http://127.0.0.1:80/']);
    assert.equal(page.stdout, 'rows from db\n', page.stderr);
    assert.equal(await s.inspect('webdb-db-1', '{{.State.Health.Status}}'), 'healthy');
    assert.equal(
      await s.inspect('webdb-web-1', '{{index .Config.Labels "com.docker.compose.depends_on"}}'),
      'db:service_healthy:false',
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
    await s.ok('web-db', ['up', '-d'], { DB_VERSION: '2' });
    assert.notEqual(await s.inspect('webdb-db-1', '{{.Id}}'), dbId, 'db recreated');
    assert.equal(await s.inspect('webdb-web-1', '{{.Id}}'), webId, 'web untouched');
    assert.equal((await s.exec('webdb-db-1', ['cat', '/data/marker'])).stdout, 'kept\n');
    const logs = (await s.ok('web-db', ['logs', '--no-color', 'db'])).stdout;
    assert.doesNotMatch(logs, /^(?!db-1 {2}\| ).+$/m, 'every line carries the container prefix');
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

scenario('what berth compose does not honour is refused by name, with the file and the line', async (s) => {
  const r = await s.compose('unsupported', ['up', '-d']);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `${join(s.corpus, 'unsupported/compose.yaml')}:4:5: services.web.ulimits is not supported by berth compose yet\n`,
  );
  assert.deepEqual(await s.leftovers('unsupported'), []);
});
