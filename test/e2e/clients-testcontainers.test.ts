// Testcontainers for Node (Ryuk disabled, DOCKER_HOST at the engine) against Docker's engine and berthd:
// GenericContainer with wait strategies (log line, listening port, HTTP, health check), exec, files copied
// in and out, and user networks where containers find each other by alias. Images are the local busybox
// fixtures; Testcontainers pulls nothing it finds locally, and its helper images (Ryuk, sshd) stay off.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { get } from 'node:http';
import { once } from 'node:events';
import tar from 'tar-stream';
import { ENGINES, skipClients, useEngines, type Engine } from '../helpers/engines.js';

const skip = skipClients();
const require = createRequire(import.meta.url);
type TC = typeof import('testcontainers');

/** Testcontainers keeps one runtime client per process, found from DOCKER_HOST at first use: each engine
 * gets a fresh copy of the module so that the second engine is not served the first one's client. */
function testcontainersFor(engine: Engine): TC {
  process.env.DOCKER_HOST = engine.env.DOCKER_HOST;
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  // Published ports are reached on IPv4 loopback (dockerd here binds them to 127.0.0.1 only; "localhost" may be ::1).
  process.env.TESTCONTAINERS_HOST_OVERRIDE = '127.0.0.1';
  for (const key of Object.keys(require.cache))
    if (key.includes('/node_modules/testcontainers/')) delete require.cache[key];
  return require('testcontainers') as TC;
}

function httpGet(host: string, port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host, port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

async function untar(stream: NodeJS.ReadableStream): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    const chunks: Buffer[] = [];
    body.on('data', (c: unknown) => chunks.push(c as Buffer));
    body.on('end', () => {
      if (header.type === 'file') files[header.name] = Buffer.concat(chunks).toString();
      next();
    });
  });
  stream.pipe(extract);
  await once(extract, 'finish');
  return files;
}

const HTTPD = [
  'sh',
  '-c',
  'mkdir -p /www && echo served > /www/index.html && echo starting httpd && exec httpd -f -p 8080 -h /www',
];

const engineOf = useEngines(skip);

for (const name of ENGINES) {
  describe(`Testcontainers against ${name}`, { skip, concurrency: false }, () => {
    let engine: Engine;
    let tc: TC;
    const started: { stop(opts?: { timeout?: number }): Promise<unknown> }[] = [];
    const track = <T extends { stop(opts?: { timeout?: number }): Promise<unknown> }>(c: T): T => {
      started.push(c);
      return c;
    };

    before(async () => {
      engine = engineOf(name);
      tc = testcontainersFor(engine);
    });
    after(async () => {
      for (const c of started.reverse()) await c.stop({ timeout: 1 }).catch(() => undefined);
    });

    test('listening port (the default wait strategy): the mapped port serves', async () => {
      const c = track(
        await new tc.GenericContainer('busybox')
          .withCommand(HTTPD)
          .withExposedPorts(8080)
          .withStartupTimeout(60_000)
          .start(),
      );
      const port = c.getMappedPort(8080);
      assert.ok(port > 0);
      assert.deepEqual(await httpGet(c.getHost(), port, '/index.html'), { status: 200, body: 'served\n' });
      await c.stop({ timeout: 1 });
    });

    test('log line and HTTP wait strategies', async () => {
      const c = track(
        await new tc.GenericContainer('busybox')
          .withCommand(HTTPD)
          .withExposedPorts(8080)
          .withWaitStrategy(
            tc.Wait.forAll([
              tc.Wait.forLogMessage('starting httpd'),
              tc.Wait.forHttp('/index.html', 8080).forStatusCode(200),
            ]),
          )
          .withStartupTimeout(60_000)
          .start(),
      );
      assert.equal((await httpGet(c.getHost(), c.getMappedPort(8080), '/index.html')).body, 'served\n');
      const logs = await c.logs();
      let text = '';
      await new Promise<void>((resolve) =>
        logs.on('data', (d: Buffer | string) => (text += d.toString()).includes('starting httpd\n') && resolve()),
      );
      assert.equal(text, 'starting httpd\n');
      await c.stop({ timeout: 1 });
    });

    test('health check wait strategy, with fields left to their defaults', async () => {
      const c = track(
        await new tc.GenericContainer('busybox')
          .withCommand(['sh', '-c', 'touch /tmp/healthy; exec sleep 600'])
          .withHealthCheck({ test: ['CMD', 'test', '-f', '/tmp/healthy'], interval: 500, retries: 20 })
          .withWaitStrategy(tc.Wait.forHealthCheck())
          .withStartupTimeout(60_000)
          .start(),
      );
      const client = await tc.getContainerRuntimeClient();
      const info = await client.container.inspect(client.container.getById(c.getId()));
      assert.equal(info.State.Health?.Status, 'healthy');
      await c.stop({ timeout: 1 });
    });

    test('exec: output, stdout and stderr apart, exit code, user and env', async () => {
      const c = track(await new tc.GenericContainer('busybox').withCommand(['sleep', '600']).start());
      const r = await c.exec(['sh', '-c', 'echo "out $V"; echo err >&2; exit 4'], { env: { V: 'x' } });
      assert.equal(r.exitCode, 4);
      assert.equal(r.stdout, 'out x\n');
      assert.equal(r.stderr, 'err\n');
      const who = await c.exec(['id', '-u'], { user: '1000' });
      assert.deepEqual([who.exitCode, who.output], [0, '1000\n']);
      await c.stop({ timeout: 1 });
    });

    test('files: copied in before start and while running, archive copied out', async () => {
      const c = track(
        await new tc.GenericContainer('busybox')
          .withCommand(['sleep', '600'])
          .withCopyContentToContainer([{ content: 'before start\n', target: '/etc/app/before.txt' }])
          .start(),
      );
      await c.copyContentToContainer([{ content: 'while running\n', target: '/etc/app/after.txt', mode: 0o600 }]);
      const r = await c.exec(['sh', '-c', 'cat /etc/app/before.txt /etc/app/after.txt; stat -c %a /etc/app/after.txt']);
      assert.equal(r.output, 'before start\nwhile running\n600\n');
      const files = await untar(await c.copyArchiveFromContainer('/etc/app'));
      assert.deepEqual(files, { 'app/before.txt': 'before start\n', 'app/after.txt': 'while running\n' });
      await c.stop({ timeout: 1 });
    });

    test('networks: a container reaches another by its alias', async () => {
      const network = await new tc.Network().start();
      try {
        const server = track(
          await new tc.GenericContainer('busybox')
            .withCommand(HTTPD)
            .withNetwork(network)
            .withNetworkAliases('server')
            .withWaitStrategy(tc.Wait.forLogMessage('starting httpd'))
            .start(),
        );
        const client = track(
          await new tc.GenericContainer('busybox').withCommand(['sleep', '600']).withNetwork(network).start(),
        );
        const r = await client.exec(['wget', '-q', '-O', '-', 'http://server:8080/index.html']);
        assert.deepEqual([r.exitCode, r.output], [0, 'served\n']);
        assert.equal(client.getNetworkNames().length, 1);
        assert.ok(client.getIpAddress(network.getName()));
        await client.stop({ timeout: 1 });
        await server.stop({ timeout: 1 });
      } finally {
        await network.stop();
      }
    });
  });
}
