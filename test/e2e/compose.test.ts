// `berth compose` against Docker's engine and berthd side by side: each file of the corpus in
// test/fixtures/compose/ comes up, answers (over a published loopback port, by service name, by alias), and
// `down -v` leaves no container, network or volume with the project's label behind. A second `up -d` of an
// unchanged file touches nothing; a changed service is recreated and its named volume survives.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/daemon.js';
import { ENGINES, skipClients, useEngines, type Engine } from '../helpers/engines.js';
import { berth, docker, type RunResult } from '../helpers/run.js';

const skip = skipClients();
const engineOf = useEngines(skip);

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

for (const name of ENGINES) {
  describe(`berth compose against ${name}`, { skip, concurrency: false }, () => {
    let engine: Engine;
    let corpus: string;
    before(() => {
      engine = engineOf(name);
      // A copy, so that project directories (and their names) are the same on both engines and nothing is written
      // into the repository.
      corpus = mkdtempSync(join(tmpdir(), 'berth-compose-corpus-'));
      cpSync(join(REPO_ROOT, 'test/fixtures/compose'), corpus, { recursive: true });
    });
    after(() => {
      if (corpus) rmSync(corpus, { recursive: true, force: true });
    });

    const compose = (dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> =>
      berth(
        { ...engine.env, ...env },
        ['compose', '--project-directory', join(corpus, dir), '-f', join(corpus, dir, 'compose.yaml'), ...args],
        {
          timeoutMs: 120_000,
        },
      );
    const ok = async (dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> => {
      const r = await compose(dir, args, env);
      assert.equal(r.code, 0, `berth compose ${args.join(' ')} (${dir}):\n${r.stderr}\n${r.stdout}`);
      return r;
    };
    const dockerOk = async (args: string[]): Promise<string> => {
      const r = await docker(engine.env, args);
      assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const exec = (container: string, cmd: string[]): Promise<RunResult> =>
      docker(engine.env, ['exec', container, ...cmd]);
    /** Names of the project's containers, networks and volumes, found by the Compose label. */
    const leftovers = async (project: string): Promise<string[]> => {
      const filter = ['--filter', `label=com.docker.compose.project=${project}`];
      return [
        ...(await dockerOk(['ps', '-a', ...filter, '--format', 'container {{.Names}}'])).split('\n'),
        ...(await dockerOk(['network', 'ls', ...filter, '--format', 'network {{.Name}}'])).split('\n'),
        ...(await dockerOk(['volume', 'ls', ...filter, '--format', 'volume {{.Name}}'])).split('\n'),
      ].filter(Boolean);
    };
    const downClean = async (dir: string, project: string): Promise<void> => {
      await ok(dir, ['down', '-v']);
      assert.deepEqual(await leftovers(project), []);
    };
    const inspect = async (container: string, format: string): Promise<string> =>
      (await dockerOk(['inspect', '-f', format, container])).trim();

    test('one service: Compose labels and names, a published loopback port, ps, logs', async () => {
      await ok('single', ['up', '-d']);
      const port = (await dockerOk(['port', 'single-web-1', '8080/tcp'])).trim();
      assert.match(port, /^127\.0\.0\.1:\d+$/);
      // httpd may need a moment after the start to listen: ask until it answers (bounded by the test's timeout).
      let body = '';
      for (let i = 0; i < 50 && body === ''; i++) body = await httpGet(Number(port.split(':')[1]), '/').catch(() => '');
      assert.equal(body, 'hello from web\n');
      const labels = JSON.parse(await inspect('single-web-1', '{{json .Config.Labels}}')) as Record<string, string>;
      assert.equal(labels['com.docker.compose.project'], 'single');
      assert.equal(labels['com.docker.compose.service'], 'web');
      assert.equal(labels['com.docker.compose.container-number'], '1');
      assert.equal(labels['com.docker.compose.oneoff'], 'False');
      assert.equal(labels['com.docker.compose.project.working_dir'], join(corpus, 'single'));
      assert.equal(labels['com.docker.compose.project.config_files'], join(corpus, 'single/compose.yaml'));
      assert.match(labels['com.docker.compose.config-hash'] ?? '', /^[0-9a-f]{64}$/);
      assert.equal(await inspect('single-web-1', '{{.HostConfig.NetworkMode}}'), 'single_default');
      const ps = (await ok('single', ['ps'])).stdout;
      assert.match(ps, /^NAME\s+IMAGE\s+COMMAND\s+SERVICE\s+CREATED\s+STATUS\s+PORTS\n/);
      assert.match(ps, /^single-web-1\s+busybox\s+.*\s+web\s+.*Up .*127\.0\.0\.1:\d+->8080\/tcp/m);
      assert.deepEqual((await ok('single', ['ps', '--services'])).stdout, 'web\n');
      await ok('single', ['stop']);
      assert.equal(await inspect('single-web-1', '{{.State.Status}}'), 'exited');
      assert.equal((await ok('single', ['ps'])).stdout.split('\n').length, 2, 'ps shows running containers only');
      await ok('single', ['start']);
      assert.equal(await inspect('single-web-1', '{{.State.Status}}'), 'running');
      await downClean('single', 'single');
    });

    test('web + database: service_healthy, DNS by service name, no-op second up, recreation keeps the volume', async () => {
      await ok('web-db', ['up', '-d']);
      // web fetched its page from db by name at its start, which it could only do once db was up.
      const page = await exec('webdb-web-1', ['wget', '-qO-', 'http://127.0.0.1:80/']);
      assert.equal(page.stdout, 'rows from db\n', page.stderr);
      assert.equal(await inspect('webdb-db-1', '{{.State.Health.Status}}'), 'healthy');
      assert.equal(
        await inspect('webdb-web-1', '{{index .Config.Labels "com.docker.compose.depends_on"}}'),
        'db:service_healthy:false',
      );
      const ids = async (): Promise<string> =>
        dockerOk(['ps', '-aq', '--no-trunc', '--filter', 'label=com.docker.compose.project=webdb']);
      const before = await ids();
      const started = await inspect('webdb-db-1', '{{.State.StartedAt}}');
      const again = await ok('web-db', ['up', '-d']);
      assert.equal(await ids(), before, 'a second up recreates nothing');
      assert.equal(await inspect('webdb-db-1', '{{.State.StartedAt}}'), started, 'and restarts nothing');
      assert.doesNotMatch(again.stderr, /Creat|Start/);
      // Data written at run time into the named volume survives db's recreation (its environment changed).
      assert.equal((await exec('webdb-db-1', ['sh', '-c', 'echo kept > /data/marker'])).code, 0);
      const dbId = await inspect('webdb-db-1', '{{.Id}}');
      const webId = await inspect('webdb-web-1', '{{.Id}}');
      await ok('web-db', ['up', '-d'], { DB_VERSION: '2' });
      assert.notEqual(await inspect('webdb-db-1', '{{.Id}}'), dbId, 'db recreated');
      assert.equal(await inspect('webdb-web-1', '{{.Id}}'), webId, 'web untouched');
      assert.equal((await exec('webdb-db-1', ['cat', '/data/marker'])).stdout, 'kept\n');
      const logs = (await ok('web-db', ['logs', '--no-color', 'db'])).stdout;
      assert.doesNotMatch(logs, /^(?!db-1 {2}\| ).+$/m, 'every line carries the container prefix');
      await downClean('web-db', 'webdb');
    });

    test('several networks: aliases answer, networks keep services apart', async () => {
      await ok('networks', ['up', '-d']);
      const viaAlias = await exec('networks-proxy-1', ['wget', '-qO-', 'http://api/']);
      assert.equal(viaAlias.stdout, 'app\n', viaAlias.stderr);
      const viaName = await exec('networks-proxy-1', ['wget', '-qO-', 'http://app/']);
      assert.equal(viaName.stdout, 'app\n', viaName.stderr);
      const fromFront = await exec('networks-client-1', ['wget', '-T', '2', '-qO-', 'http://app/']);
      assert.notEqual(fromFront.code, 0, 'client (front only) must not reach app (back only)');
      const nets = (
        await dockerOk([
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
      await downClean('networks', 'networks');
    });

    test('interpolation: the environment, .env, defaults, env_file and $$', async () => {
      await ok('interpolation', ['up', '-d'], { FROM_SHELL_ONLY: 'unused' });
      const env = (await exec('interpolation-env-1', ['env'])).stdout;
      for (const line of [
        'GREETING=hello from dotenv',
        'FALLBACK=fallback',
        'LITERAL=$HOME',
        'FROM_FILE=file value',
        'FROM_FILE_OVERRIDDEN=from-environment',
        'QUOTED=a hello from dotenv b',
      ])
        assert.ok(env.split('\n').includes(line), `${line} in:\n${env}`);
      assert.equal(
        await inspect('interpolation-env-1', '{{index .Config.Labels "berth.test/greeting"}}'),
        'hello from dotenv',
      );
      // The shell's environment wins over .env.
      const config = (await ok('interpolation', ['config'], { GREETING: 'from shell' })).stdout;
      assert.match(config, /GREETING: from shell/);
      await downClean('interpolation', 'interpolation');
    });

    test('profiles: a service with a profile runs only when it is enabled', async () => {
      await ok('profiles', ['up', '-d']);
      assert.deepEqual((await ok('profiles', ['ps', '--services'])).stdout, 'main\n');
      await ok('profiles', ['--profile', 'debug', 'up', '-d']);
      assert.deepEqual((await ok('profiles', ['ps', '--services'])).stdout, 'debug\nmain\n');
      await ok('profiles', ['--profile', 'debug', 'down', '-v']);
      assert.deepEqual(await leftovers('profiles'), []);
    });

    test('scale: deploy.replicas makes numbered containers that answer to the service name', async () => {
      await ok('scale', ['up', '-d']);
      const names = (
        await dockerOk(['ps', '--filter', 'label=com.docker.compose.service=worker', '--format', '{{.Names}}'])
      )
        .split('\n')
        .filter(Boolean)
        .sort();
      assert.deepEqual(names, ['scale-worker-1', 'scale-worker-2', 'scale-worker-3']);
      const lookup = await exec('scale-probe-1', ['nslookup', 'worker']);
      const addresses = lookup.stdout
        .split('\n')
        .filter((l) => /^Address:?\s+\d+\.\d+\.\d+\.\d+$/.test(l.trim()) && !/:53$/.test(l));
      assert.ok(addresses.length >= 3, lookup.stdout + lookup.stderr);
      await downClean('scale', 'scale');
    });

    test('what berth compose does not honour is refused by name, with the file and the line', async () => {
      const r = await compose('unsupported', ['up', '-d']);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        `${join(corpus, 'unsupported/compose.yaml')}:4:5: services.web.secrets is not supported by berth compose yet\n`,
      );
      assert.deepEqual(await leftovers('unsupported'), []);
    });
  });
}
