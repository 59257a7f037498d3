// Cases of docker-py 5.0.3's own integration suite (scripts/upstream-docker-py.sh) where berthd answered otherwise
// than Docker's engine: the same requests go to dockerd 20.10 and to berthd, and each test asserts what both must
// answer, so it checks itself against Docker.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { apiRequest } from '../helpers/daemon.js';
import { ENGINES, skipClients, useEngines, type Engine } from '../helpers/engines.js';

const skip = skipClients();
const engineOf = useEngines(skip);

type Reply = { status: number; body: string };
const call = (e: Engine, path: string, options: { method?: string; json?: unknown } = {}): Promise<Reply> =>
  apiRequest(e.socketPath, path, options);
const messageOf = (r: Reply): string => (JSON.parse(r.body) as { message: string }).message;

/** A running busybox `sleep`, without networking; removed by the caller. */
async function runSleeper(e: Engine, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await call(e, '/containers/create', {
    method: 'POST',
    json: { Image: 'busybox', Cmd: ['sleep', '300'], HostConfig: { NetworkMode: 'none' }, ...extra },
  });
  assert.equal(created.status, 201, created.body);
  const id = (JSON.parse(created.body) as { Id: string }).Id;
  const started = await call(e, `/containers/${id}/start`, { method: 'POST' });
  assert.equal(started.status, 204, started.body);
  return id;
}

/** POST /exec/ID/start hijacked as docker-py does it (Upgrade: tcp), past the response head: the raw socket. */
async function hijackExecStart(e: Engine, execId: string): Promise<{ socket: Socket; received: () => string }> {
  const socket = connect(e.socketPath);
  await once(socket, 'connect');
  const body = JSON.stringify({ Detach: false, Tty: true });
  socket.write(
    `POST /v1.41/exec/${execId}/start HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n` +
      `Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (c: string) => (text += c));
  while (!text.includes('\r\n\r\n')) await once(socket, 'data');
  assert.match(text, /^HTTP\/1.1 101/);
  return { socket, received: () => text.slice(text.indexOf('\r\n\r\n') + 4) };
}

async function until(what: string, check: () => boolean, socket: Socket): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await Promise.race([once(socket, 'data'), new Promise((r) => setTimeout(r, 200))]);
  }
}

for (const name of ENGINES) {
  describe(`docker-py suite cases against ${name}`, { skip, concurrency: false }, () => {
    test('DELETE of a running or paused container without force: 409 in dockerd 20.10 words, with the full id', async () => {
      const e = engineOf(name);
      const id = await runSleeper(e);
      try {
        const running = await call(e, `/containers/${id.slice(0, 12)}`, { method: 'DELETE' });
        assert.equal(running.status, 409);
        assert.equal(
          messageOf(running),
          `You cannot remove a running container ${id}. Stop the container before attempting removal or force remove`,
        );
        assert.equal((await call(e, `/containers/${id}/pause`, { method: 'POST' })).status, 204);
        const paused = await call(e, `/containers/${id}`, { method: 'DELETE' });
        assert.equal(paused.status, 409);
        assert.equal(
          messageOf(paused),
          `You cannot remove a paused container ${id}. ` +
            'Unpause and then stop the container before attempting removal or force remove',
        );
        const inspect = await call(e, `/containers/${id}/json`);
        assert.equal((JSON.parse(inspect.body) as { State: { Status: string } }).State.Status, 'paused');
      } finally {
        await call(e, `/containers/${id}?force=1`, { method: 'DELETE' });
      }
    });

    test('image inspect at API 1.41: a committed image shows its container and config, others an empty one', async () => {
      const e = engineOf(name);
      const created = await call(e, '/containers/create', {
        method: 'POST',
        json: { Image: 'busybox', Cmd: ['touch', '/test'], HostConfig: { NetworkMode: 'none' } },
      });
      const id = (JSON.parse(created.body) as { Id: string }).Id;
      let image = '';
      try {
        assert.equal((await call(e, `/containers/${id}/start`, { method: 'POST' })).status, 204);
        assert.equal((await call(e, `/containers/${id}/wait`, { method: 'POST' })).status, 200);
        const committed = await call(e, `/commit?container=${id}&changes=${encodeURIComponent('EXPOSE 8000')}`, {
          method: 'POST',
        });
        assert.equal(committed.status, 201, committed.body);
        image = (JSON.parse(committed.body) as { Id: string }).Id;
        type Inspect = {
          Container?: string;
          ContainerConfig?: Record<string, unknown>;
          Config: Record<string, unknown>;
          Size: number;
          VirtualSize?: number;
        };
        const inspect = JSON.parse((await call(e, `/v1.41/images/${image}/json`)).body) as Inspect;
        assert.equal(inspect.Container, id);
        assert.equal(inspect.ContainerConfig?.Image, 'busybox');
        assert.deepEqual(inspect.ContainerConfig?.Cmd, ['touch', '/test']);
        assert.equal(inspect.ContainerConfig?.Hostname, id.slice(0, 12));
        assert.ok(!inspect.ContainerConfig?.ExposedPorts, "the container's config, not the image's");
        assert.deepEqual(inspect.Config.ExposedPorts, { '8000/tcp': {} });
        assert.equal(inspect.VirtualSize, inspect.Size);

        const base = JSON.parse((await call(e, '/v1.41/images/busybox/json')).body) as Inspect;
        assert.equal(base.Container, '');
        assert.deepEqual(base.ContainerConfig, {
          Hostname: '',
          Domainname: '',
          User: '',
          AttachStdin: false,
          AttachStdout: false,
          AttachStderr: false,
          Tty: false,
          OpenStdin: false,
          StdinOnce: false,
          Env: null,
          Cmd: null,
          Image: '',
          Volumes: null,
          WorkingDir: '',
          Entrypoint: null,
          OnBuild: null,
          Labels: null,
        });
      } finally {
        await call(e, `/containers/${id}?force=1`, { method: 'DELETE' });
        if (image) await call(e, `/images/${image}`, { method: 'DELETE' });
      }
    });

    test('exec with DetachKeys sent as docker-py spells it (`detachKeys`), tty, hijacked: the keys end the stream', async () => {
      const e = engineOf(name);
      const id = await runSleeper(e, { Cmd: ['cat'], OpenStdin: true });
      try {
        const created = await call(e, `/v1.41/containers/${id}/exec`, {
          method: 'POST',
          json: { Cmd: ['cat'], AttachStdin: true, AttachStdout: true, Tty: true, detachKeys: 'ctrl-p' },
        });
        assert.equal(created.status, 201, created.body);
        const execId = (JSON.parse(created.body) as { Id: string }).Id;
        const { socket, received } = await hijackExecStart(e, execId);
        try {
          socket.write('hello\n');
          await until('the echo', () => received().includes('hello'), socket);
          let ended = false;
          socket.on('end', () => (ended = true));
          socket.write(Buffer.from([0x10]));
          await until('the end of the stream after ctrl-p', () => ended, socket);
          const after = received()
            .slice(received().lastIndexOf('hello') + 5)
            .replace(/^(\r\n)+/, '');
          // dockerd 20.10 says why before it closes; docker-py takes that or nothing.
          assert.ok(
            after === '' || after.startsWith('exec attach failed: error on attach stdin: read escape sequence'),
            JSON.stringify(after),
          );
        } finally {
          socket.destroy();
        }
      } finally {
        await call(e, `/containers/${id}?force=1`, { method: 'DELETE' });
      }
    });
  });
}
