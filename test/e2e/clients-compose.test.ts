// docker-compose 1.29 (Debian's, on docker-py) bringing a multi-service project up and down on Docker's
// engine and on berthd: healthchecks that leave fields out, depends_on conditions (service_healthy,
// service_completed_successfully), a named volume, a port published on 127.0.0.1, an env file, a build, and
// --scale; `down -v` must leave no container, network or volume of the project behind. The images are the
// local busybox fixtures: nothing is pulled.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, skipClients, useEngines, type Engine } from '../helpers/engines.js';
import { docker, run, type RunResult } from '../helpers/run.js';

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
    // What a failed scenario leaves goes with the engine (its stop removes every container and network).
    after(() => {
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
