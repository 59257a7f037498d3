// docker-compose 1.29 (Debian's, on docker-py) bringing a multi-service project up and down on Docker's
// engine and on berthd: healthchecks that leave fields out, depends_on conditions (service_healthy,
// service_completed_successfully), a named volume, a port published on 127.0.0.1, an env file, a build, and
// --scale; a second `up` touches nothing; `down -v` must leave no container, network or volume of the project behind.
// Then the compose corpus (test/fixtures/compose) where 1.29 asks the engine for something `berth compose` does not
// (its networks, secret mounts, create options, one-off runs, attached up and verbs), on both engines at once. What
// 1.29 does on its own side only (interpolation, profiles, extends, merging files) runs on berthd alone, with the rest
// of the corpus (what 1.29 cannot read: its own refusal). The images
// are the local busybox fixtures: nothing is pulled. One berthd/dockerd pair for the whole file.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, skipClients, useEngines, type Engine } from '../helpers/engines.js';
import { docker, run, type RunResult } from '../helpers/run.js';
import { waitForEventLines } from '../helpers/events.js';
import { checkOptions, checkRuntimeOptions, useComposeEngines } from './compose-harness.js';

const COMPOSE = '/usr/bin/docker-compose';
const skip = skipClients() || (existsSync(COMPOSE) ? false : 'needs docker-compose (apt-get install docker-compose)');

const COMPOSE_FILE = `
services:
  db:
    image: busybox
    command: ["sh", "-c", "echo seeded-by-db > /data/seed; touch /tmp/ready; exec sleep 600"]
    volumes: ["data:/data"]
    stop_grace_period: 1s
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
  migrate:
    image: busybox
    command: ["sh", "-c", "cat /data/seed > /data/migrated"]
    volumes: ["data:/data"]
    depends_on:
      db:
        condition: service_healthy
  web:
    build: ./web
    image: \${COMPOSE_PROJECT_NAME}-web:latest
    env_file: [web.env]
    environment:
      FROM_FILE_OVERRIDDEN: compose
    ports: ["127.0.0.1::8080"]
    volumes: ["data:/data"]
    stop_grace_period: 1s
    depends_on:
      db:
        condition: service_healthy
      migrate:
        condition: service_completed_successfully
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/index.html"]
      interval: 1s
      retries: 30
  worker:
    image: busybox
    command: ["sh", "-c", "wget -q -O - http://web:8080/index.html; exec sleep 600"]
    stop_grace_period: 1s
    depends_on:
      web:
        condition: service_healthy
volumes:
  data: {}
`;

const DOCKERFILE = `FROM busybox
COPY index.html /www/index.html
CMD ["sh", "-c", "env > /www/env.txt; cat /data/migrated > /www/migrated.txt; exec httpd -f -p 8080 -h /www"]
`;

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

const engineOf = useEngines(skip);

// One suite per engine, both at once (each suite's tests in order): the dependency waits overlap.
describe('docker-compose 1.29, a multi-service project', { skip, concurrency: true }, () => {
  for (const name of ENGINES) {
    describe(`docker-compose 1.29 against ${name}`, { skip, concurrency: false }, () => {
      let engine: Engine;
      let dir: string;
      const project = `compose${name}`;
      let env: NodeJS.ProcessEnv;
      const compose = (args: string[]): Promise<RunResult> =>
        run(COMPOSE, ['--ansi', 'never', ...args], { env: { ...env }, timeoutMs: 180_000 });
      const ok = async (args: string[]): Promise<string> => {
        const r = await compose(args);
        assert.equal(r.code, 0, `docker-compose ${args.join(' ')}:\n${r.stderr}\n${r.stdout}`);
        return r.stdout;
      };
      const labelled = async (kind: 'ps' | 'network' | 'volume'): Promise<string[]> => {
        const args = kind === 'ps' ? ['ps', '-a', '--format', '{{.Names}}'] : [kind, 'ls', '--format', '{{.Name}}'];
        const r = await docker(engine.env, [...args, '--filter', `label=com.docker.compose.project=${project}`]);
        assert.equal(r.code, 0, r.stderr);
        return r.stdout.split('\n').filter(Boolean).sort();
      };

      before(async () => {
        engine = engineOf(name);
        dir = mkdtempSync(join(tmpdir(), 'berth-compose-'));
        mkdirSync(join(dir, 'web'));
        writeFileSync(join(dir, 'docker-compose.yml'), COMPOSE_FILE);
        writeFileSync(join(dir, 'web.env'), '# comment\nGREETING=hello from env file\nFROM_FILE_OVERRIDDEN=file\n');
        writeFileSync(join(dir, 'web/Dockerfile'), DOCKERFILE);
        writeFileSync(join(dir, 'web/index.html'), 'web index\n');
        // The API builder (docker-py), not the CLI's; nothing is ever pulled: every image is local or built.
        env = {
          ...engine.env,
          COMPOSE_PROJECT_NAME: project,
          COMPOSE_FILE: join(dir, 'docker-compose.yml'),
          COMPOSE_DOCKER_CLI_BUILD: '0',
          DOCKER_BUILDKIT: '0',
          COMPOSE_INTERACTIVE_NO_CLI: '1',
        };
      });
      // A failed test leaves the project up: take it down here, not only with the engine.
      after(async () => {
        if (engine && (await labelled('ps')).length > 0) await compose(['down', '-v', '-t', '0']);
        if (dir) rmSync(dir, { recursive: true, force: true });
      });

      test('up --build --scale: dependencies wait for health and completion', async () => {
        await ok(['up', '-d', '--build', '--scale', 'worker=2']);
        const names = await labelled('ps');
        assert.deepEqual(names, [
          `${project}_db_1`,
          `${project}_migrate_1`,
          `${project}_web_1`,
          `${project}_worker_1`,
          `${project}_worker_2`,
        ]);
        const state = async (container: string): Promise<string> =>
          (
            await docker(engine.env, [
              'inspect',
              '-f',
              '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}} {{.State.ExitCode}}',
              container,
            ])
          ).stdout.trim();
        assert.equal(await state(`${project}_db_1`), 'running healthy 0');
        assert.equal(await state(`${project}_migrate_1`), 'exited  0');
        assert.equal(await state(`${project}_web_1`), 'running healthy 0');
      });

      test('a second up of the unchanged file touches nothing', async () => {
        const ids = async (): Promise<string> =>
          (
            await docker(engine.env, [
              'ps',
              '-aq',
              '--no-trunc',
              '--filter',
              `label=com.docker.compose.project=${project}`,
            ])
          ).stdout;
        const before = await ids();
        const again = await compose(['up', '-d', '--scale', 'worker=2']);
        assert.equal(again.code, 0, again.stderr);
        for (const service of ['db_1', 'web_1', 'worker_2'])
          assert.match(again.stderr, new RegExp(`${project}_${service} is up-to-date`));
        assert.equal(await ids(), before);
      });

      test('ps lists every service with its state', async () => {
        const out = await ok(['ps']);
        for (const n of ['db_1', 'migrate_1', 'web_1', 'worker_1', 'worker_2'])
          assert.match(out, new RegExp(`${project}_${n} `));
        assert.match(out, /Up \(healthy\)/);
        assert.match(out, /Exit 0/);
      });

      test('published port on 127.0.0.1 serves the built image, with the env file and the named volume', async () => {
        const port = (await ok(['port', 'web', '8080'])).trim();
        assert.match(port, /^127\.0\.0\.1:\d+$/);
        const hostPort = Number(port.split(':')[1]);
        assert.deepEqual(await httpGet(hostPort, '/index.html'), { status: 200, body: 'web index\n' });
        const envText = (await httpGet(hostPort, '/env.txt')).body;
        assert.match(envText, /^GREETING=hello from env file$/m);
        assert.match(envText, /^FROM_FILE_OVERRIDDEN=compose$/m);
        assert.equal((await httpGet(hostPort, '/migrated.txt')).body, 'seeded-by-db\n');
      });

      test('scaled replicas reach the service by name; logs by service', async () => {
        const out = await ok(['logs', '--no-color', 'worker']);
        const hits = out.split('\n').filter((l) => /worker_\d.*\| web index/.test(l));
        assert.equal(hits.length, 2, out);
      });

      test('stop and start keep the project', async () => {
        await ok(['stop', '-t', '1', 'worker']);
        const stopped = (
          await docker(engine.env, [
            'ps',
            '-a',
            '--filter',
            `label=com.docker.compose.service=worker`,
            '--filter',
            'status=exited',
            '--format',
            '{{.Names}}',
          ])
        ).stdout
          .split('\n')
          .filter(Boolean);
        assert.equal(stopped.length, 2);
        await ok(['start', 'worker']);
        const running = (
          await docker(engine.env, [
            'ps',
            '--filter',
            `label=com.docker.compose.service=worker`,
            '--format',
            '{{.Names}}',
          ])
        ).stdout
          .split('\n')
          .filter(Boolean);
        assert.equal(running.length, 2);
      });

      test('down -v leaves no container, network or volume of the project', async () => {
        assert.deepEqual(await labelled('network'), [`${project}_default`]);
        assert.deepEqual(await labelled('volume'), [`${project}_data`]);
        await ok(['down', '-v', '-t', '1']);
        assert.deepEqual(await labelled('ps'), []);
        assert.deepEqual(await labelled('network'), []);
        assert.deepEqual(await labelled('volume'), []);
      });
    });
  }
});

/** Resolves on the container's first event with this status (health_status events carry it in Status). */
const waitForEvent = (env: NodeJS.ProcessEnv, container: string, status: string): Promise<unknown> =>
  waitForEventLines(env, [`container=${container}`], '{{.Status}}', (lines) => lines.includes(status), 30_000);

test('a healthcheck that omits fields starts and becomes healthy on both engines', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-compose-hc-'));
  try {
    writeFileSync(
      join(dir, 'docker-compose.yml'),
      [
        'version: "2.4"',
        'services:',
        '  web:',
        '    image: busybox',
        '    command: ["sleep", "300"]',
        '    network_mode: none',
        '    healthcheck:',
        '      test: ["CMD", "true"]',
        '      interval: 1s',
        '',
      ].join('\n'),
    );
    const compose = ['-f', join(dir, 'docker-compose.yml'), '-p', 'hcdefaults'];
    // Both engines at once; each returns the Config.Healthcheck docker-compose 1.29 made (it sends null for the rest).
    const configs = await Promise.all(
      ENGINES.map(async (name) => {
        const { env } = engineOf(name);
        const up = await run(COMPOSE, [...compose, 'up', '-d'], { env });
        assert.equal(up.code, 0, `${name}: ${up.stderr}`);
        try {
          const id = (
            await docker(env, ['ps', '-q', '--no-trunc', '--filter', 'label=com.docker.compose.project=hcdefaults'])
          ).stdout.trim();
          assert.ok(id, `${name}: the service runs`);
          // Healthy is announced by an event: wait for it rather than polling.
          await waitForEvent(env, id, 'health_status: healthy');
          return JSON.parse(
            (await docker(env, ['inspect', '-f', '{{json .Config.Healthcheck}}', id])).stdout,
          ) as unknown;
        } finally {
          const down = await run(COMPOSE, [...compose, 'down', '-v'], { env });
          assert.equal(down.code, 0, `${name}: ${down.stderr}`);
        }
      }),
    );
    assert.deepEqual(configs[1], configs[0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const scenario = useComposeEngines(engineOf);

scenario(
  'the corpus: several networks with aliases; a file secret; per-service options',
  async (s) => {
    await s.v1Ok('networks', ['up', '-d']);
    const viaAlias = await s.exec('networks_proxy_1', ['wget', '-qO-', 'http://api/']);
    assert.equal(viaAlias.stdout, 'app\n', viaAlias.stderr);
    const fromFront = await s.exec('networks_client_1', ['wget', '-T', '2', '-qO-', 'http://app/']);
    assert.notEqual(fromFront.code, 0, 'client (front only) must not reach app (back only)');
    assert.match(await s.dockerOk(['network', 'inspect', '-f', '{{json .Labels}}', 'networks_back']), /"tier":"back"/);
    await s.v1DownClean('networks', 'networks');

    // docker-compose 1.29 mounts file secrets (a read-only bind in Mounts) but no configs: outside a swarm it drops a
    // service's `configs` (compose/project.py, translate_deploy_keys_to_container_config: `del service_dict['configs']`),
    // on every engine. `berth compose` mounts both (compose-corpus.test.ts, the secrets scenario).
    await s.v1Ok('secrets-files', ['up', '-d']);
    const page = await s.exec('secrets-files_app_1', ['wget', '-qO-', 'http://127.0.0.1/']);
    assert.equal(page.stdout, 's3cret-token\n', page.stderr);
    const secretMount = '{{range .Mounts}}{{if eq .Destination "/run/secrets/token"}}{{.Type}} {{.RW}}{{end}}{{end}}';
    assert.equal(await s.inspect('secrets-files_app_1', secretMount), 'bind false');
    assert.equal((await s.exec('secrets-files_app_1', ['test', '-e', '/etc/app/settings.conf'])).code, 1);
    await s.v1DownClean('secrets-files', 'secrets-files');

    await s.v1Ok('options', ['up', '-d']);
    await checkOptions(s, 'options_app_1');
    await checkRuntimeOptions(s, 'options_app_1');
    await s.v1DownClean('options', 'options');
  },
  { skip },
);

scenario(
  'the corpus: run (--rm, -e, exit codes, -d --service-ports), exec, port, top, pause, kill; attached up of a failing job',
  async (s) => {
    // The command prints after a moment: 1.29 attaches after the start, so output written before its attach is lost
    // (on Docker's engine as well; it starts the container again when it finds it stopped by then).
    const cmd = ['sh', '-c', 'sleep 0.5; echo $FROM_FILE $EXTRA; wget -qO- http://db/'];
    const r = await s.v1Ok('oneoff', ['run', '--rm', '-e', 'EXTRA=given', 'task', ...cmd]);
    assert.equal(r.stdout, 'file given\ndb answers\n');
    const failed = await s.v1('oneoff', ['run', '--rm', '--no-deps', 'task', 'sh', '-c', 'exit 7']);
    assert.equal(failed.code, 7, failed.stderr);
    const detached = (await s.v1Ok('oneoff', ['run', '-d', '--service-ports', 'task', 'sleep', '3600'])).stdout.trim();
    assert.match(detached, /^oneoff_task_run_[0-9a-f]{12}$/);
    assert.match((await s.dockerOk(['port', detached, '8080/tcp'])).trim(), /^127\.0\.0\.1:\d+$/);
    await s.v1DownClean('oneoff', 'oneoff');

    await s.v1Ok('verbs', ['up', '-d', 'web']);
    const e = await s.v1Ok('verbs', ['exec', '-T', '--index', '2', '-e', 'X=y', 'web', 'sh', '-c', 'echo $X; pwd']);
    assert.equal(e.stdout, 'y\n/www\n');
    assert.match((await s.v1Ok('verbs', ['port', 'web', '8080'])).stdout, /^127\.0\.0\.1:\d+$/m);
    assert.match((await s.v1Ok('verbs', ['top', 'web'])).stdout, /httpd -f -p 8080/);
    await s.v1Ok('verbs', ['pause', 'web']);
    assert.equal(await s.inspect('verbs_web_1', '{{.State.Status}}'), 'paused');
    await s.v1Ok('verbs', ['unpause', 'web']);
    await s.v1Ok('verbs', ['kill', '-s', 'SIGKILL', 'web']);
    assert.equal(await s.inspect('verbs_web_2', '{{.State.ExitCode}}'), '137');
    // 1.29 stops following a container at its `die` event: the line is printed only when the engine ended the
    // attach stream (and answered the wait) first, as Docker does (berthd ended it after `die` until this was fixed).
    const job = await s.v1Ok('verbs', ['up', 'job']);
    assert.match(job.stdout, /verbs_job_1 exited with code 3$/m);
    await s.v1DownClean('verbs', 'verbs');
  },
  { skip },
);

// The rest of the corpus under docker-compose 1.29 on berthd, the projects side by side: each file 1.29 can read comes
// up, answers and goes down without leftovers; a file it cannot read is refused by 1.29 itself (its own validation,
// before any request). `registry` (1.29 reads it) needs compose.test.ts's loopback registry: 1.29 runs it there.
scenario(
  'the rest of the corpus under docker-compose 1.29 on berthd: up, an answer, down; what 1.29 cannot read, refused by it',
  async (s) => {
    const cat = async (container: string, path: string): Promise<string> => {
      const r = await s.exec(container, ['cat', path]);
      assert.equal(r.code, 0, `${container} ${path}: ${r.stderr}`);
      return r.stdout;
    };
    const refused = async (dir: string, pattern: RegExp, args: string[] = []): Promise<void> => {
      const r = await s.v1(dir, [...args, 'config', '-q']);
      assert.equal(r.code, 1, `${dir}: ${r.stdout}`);
      assert.match(r.stderr, pattern, dir);
    };
    await Promise.all([
      (async () => {
        await s.v1Ok('single', ['up', '-d']);
        const page = await s.exec('single_web_1', ['wget', '-qO-', 'http://127.0.0.1:8080/']);
        assert.equal(page.stdout, 'hello from web\n', page.stderr);
        await s.v1DownClean('single', 'single');
      })(),
      (async () => {
        const r = await s.v1Ok('attached', ['up']);
        assert.match(r.stdout, /^app_1 +\| migrated$/m);
        assert.match(r.stdout, /^attached_app_1 exited with code 0$/m);
        await s.v1DownClean('attached', 'attached');
      })(),
      (async () => {
        await s.v1Ok('build', ['up', '-d', '--build']);
        assert.equal(await cat('build_app_1', '/greeting'), 'hello from a build arg\n');
        assert.equal(await cat('build_tool_1', '/stage'), 'tool\n');
        await s.v1DownClean('build', 'build', []);
        await s.dockerOk(['rmi', 'build_app', 'berth-compose-test/tool:1']);
      })(),
      (async () => {
        await s.v1Ok('interpolation', ['up', '-d']);
        const env = (await s.exec('interpolation_env_1', ['env'])).stdout.split('\n');
        for (const line of ['GREETING=hello from dotenv', 'FALLBACK=fallback', 'LITERAL=$HOME', 'FROM_FILE=file value'])
          assert.ok(env.includes(line), `${line} in:\n${env.join('\n')}`);
        await s.v1DownClean('interpolation', 'interpolation');
      })(),
      (async () => {
        await s.v1Ok('profiles', ['up', '-d']);
        const names = ['ps', '-a', '--filter', 'label=com.docker.compose.project=profiles', '--format', '{{.Names}}'];
        assert.equal(await s.dockerOk(names), 'profiles_main_1\n', 'debug (profile not enabled) not created');
        await s.v1DownClean('profiles', 'profiles');
      })(),
      (async () => {
        await s.v1Ok('scale', ['up', '-d']);
        const workers = ['ps', '--filter', 'label=com.docker.compose.service=worker', '--format', '{{.Names}}'];
        const names = (await s.dockerOk(workers)).split('\n').filter(Boolean).sort();
        assert.deepEqual(names, ['scale_worker_1', 'scale_worker_2', 'scale_worker_3']);
        await s.v1DownClean('scale', 'scale');
      })(),
      (async () => {
        // 1.29 reads a GPU reservation and asks the engine for it (DeviceRequests); berthd has no GPU driver and says
        // so, as dockerd does without one.
        const r = await s.v1('unsupported', ['up', '-d']);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /could not select device driver "" with capabilities: \[\["gpu"\]\]/);
        await s.v1DownClean('unsupported', 'unsupported');
      })(),
      (async () => {
        const env = { FIXED_PREFIX: '10.213.73', OUTSIDE_NET: 'compose-outside-v1', SHARED_VOL: 'compose-shared-v1' };
        await s.dockerOk(['network', 'create', env.OUTSIDE_NET]);
        await s.dockerOk(['volume', 'create', env.SHARED_VOL]);
        await s.v1Ok('external', ['up', '-d'], env);
        const ip = '{{(index .NetworkSettings.Networks "external_fixed").IPAddress}}';
        assert.equal(await s.inspect('external_app_1', ip), '10.213.73.10');
        const ping = await s.exec('external_admin_1', ['ping', '-c', '1', '-W', '2', 'app']);
        assert.equal(ping.code, 0, ping.stdout + ping.stderr);
        await s.v1Ok('external', ['down', '-v'], env);
        assert.deepEqual(await s.leftovers('external'), []);
        await s.dockerOk(['network', 'rm', env.OUTSIDE_NET]);
        await s.dockerOk(['volume', 'rm', env.SHARED_VOL]);
      })(),
      refused('web-db', /'name' does not match any of the regexes/),
      refused('include', /'include' does not match any of the regexes/),
      refused('secrets', /secrets.api_key value 'environment' does not match/),
      refused('build-secrets', /services.app.build contains unsupported option: 'secrets'/),
      refused('extends', /services.child.environment.OWN contains true, which is an invalid type/),
      refused('override', /limits value 'pids'|Additional properties are not allowed \('pids'/, [
        '-f',
        join(s.corpus, 'override/compose.override.yaml'),
      ]),
    ]);
  },
  { skip, engines: ['berthd'] },
);
