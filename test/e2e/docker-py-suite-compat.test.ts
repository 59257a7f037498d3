// Cases of docker-py 5.0.3's own integration suite (scripts/upstream-docker-py.sh) where berthd answered otherwise
// than Docker's engine: the same requests go to dockerd 20.10 and to berthd, and each test asserts what both must
// answer, so it checks itself against Docker.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';
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

/** POST /images/load with a raw body. */
function loadRaw(e: Engine, query: string, body: Buffer): Promise<Reply & { type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath: e.socketPath,
        method: 'POST',
        path: `/v1.41/images/load?${query}`,
        headers: { 'Content-Type': 'application/x-tar' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text, type: String(res.headers['content-type']) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** What a load could leave behind: the images, the layers' size, and on berthd its blobs and ingests. */
async function storeState(e: Engine): Promise<string> {
  const images = (JSON.parse((await call(e, '/images/json?all=1')).body) as { Id: string }[]).map((i) => i.Id).sort();
  const df = JSON.parse((await call(e, '/system/df')).body) as { LayersSize: number };
  const root = (JSON.parse((await call(e, '/info')).body) as { DockerRootDir: string }).DockerRootDir;
  const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);
  const berth =
    e.name === 'berthd'
      ? { blobs: files(join(root, 'content/blobs/sha256')), ingest: files(join(root, 'content/ingest')) }
      : {};
  return JSON.stringify({ images, layers: df.LayersSize, ...berth });
}

/** POST /exec/ID/start hijacked as docker-py does it (Upgrade: tcp), past the response head: the raw socket. */
async function hijackExecStart(
  e: Engine,
  execId: string,
  tty = true,
): Promise<{ socket: Socket; received: () => string }> {
  const body = JSON.stringify({ Detach: false, Tty: tty });
  return hijack(e, `/v1.41/exec/${execId}/start`, body);
}

/** A POST hijacked as docker-py does it (Upgrade: tcp), past the response head: the raw socket and what came. */
async function hijack(e: Engine, path: string, body = ''): Promise<{ socket: Socket; received: () => string }> {
  const socket = connect(e.socketPath);
  await once(socket, 'connect');
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n` +
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

    test('exec with DetachKeys sent as docker-py spells it (`detachKeys`), tty, hijacked: the keys end the stream and the exec, as in Docker 20.10', async () => {
      const e = engineOf(name);
      const id = await runSleeper(e, { Cmd: ['cat'], OpenStdin: true });
      try {
        const created = await call(e, `/v1.41/containers/${id}/exec`, {
          method: 'POST',
          json: {
            Cmd: ['sh', '-c', 'cat; touch /tmp/after-detach'],
            AttachStdin: true,
            AttachStdout: true,
            Tty: true,
            detachKeys: 'ctrl-p',
          },
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
          // dockerd 20.10 takes the detach for a failed attach, and says so before it closes.
          assert.equal(after, 'exec attach failed: error on attach stdin: read escape sequence\r\n');
        } finally {
          socket.destroy();
        }
        type ExecInspect = { Running: boolean; ExitCode: number | null };
        const inspect = JSON.parse((await call(e, `/exec/${execId}/json`)).body) as ExecInspect;
        assert.deepEqual([inspect.Running, inspect.ExitCode], [false, 126]);
        // Its process is hung up, not sent an end of input: the shell never runs its next command.
        const deadline = Date.now() + 15_000;
        for (;;) {
          const ps = await docker(e.env, ['exec', id, 'ps', '-o', 'args']);
          assert.equal(ps.code, 0, ps.stderr);
          if (!ps.stdout.includes('sh -c cat')) break;
          assert.ok(Date.now() < deadline, `the exec's shell lives on: ${ps.stdout}`);
        }
        const touched = await docker(e.env, ['exec', id, 'test', '-e', '/tmp/after-detach']);
        assert.equal(touched.code, 1, 'the shell went on after the detach');
      } finally {
        await call(e, `/containers/${id}?force=1`, { method: 'DELETE' });
      }
    });

    test('detach keys without a tty (exec and attach): input like any other byte, the stream goes on', async () => {
      const e = engineOf(name);
      const id = await runSleeper(e, { Cmd: ['cat'], OpenStdin: true, AttachStdin: true, AttachStdout: true });
      try {
        const created = await call(e, `/v1.41/containers/${id}/exec`, {
          method: 'POST',
          json: { Cmd: ['cat'], AttachStdin: true, AttachStdout: true, DetachKeys: 'ctrl-p' },
        });
        assert.equal(created.status, 201, created.body);
        const execId = (JSON.parse(created.body) as { Id: string }).Id;
        const sessions = [
          { what: 'exec', ...(await hijackExecStart(e, execId, false)) },
          {
            what: 'attach',
            ...(await hijack(e, `/v1.41/containers/${id}/attach?stream=1&stdin=1&stdout=1&detachKeys=ctrl-p`)),
          },
        ];
        for (const { what, socket, received } of sessions) {
          try {
            let ended = false;
            socket.on('end', () => (ended = true));
            socket.write(Buffer.from(`a${String.fromCharCode(0x10)}b\n`, 'latin1'));
            // cat echoes it, ctrl-p included, in a stdcopy frame.
            await until(`${what}: the echo`, () => received().includes(`a${String.fromCharCode(0x10)}b\n`), socket);
            assert.equal(ended, false, `${what}: the stream goes on`);
          } finally {
            socket.destroy();
          }
        }
      } finally {
        await call(e, `/containers/${id}?force=1`, { method: 'DELETE' });
      }
    });

    test('load of a body that is not an image archive: 200 with an errorDetail line, docker load exits 1, nothing kept', async () => {
      const e = engineOf(name);
      const before = await storeState(e);
      const busybox = readFileSync((await testImages()).busybox);
      const bodies = { abc: Buffer.from('abc'), truncated: busybox.subarray(0, Math.floor(busybox.length / 2)) };
      for (const [what, body] of Object.entries(bodies)) {
        for (const quiet of ['0', '1']) {
          const r = await loadRaw(e, `quiet=${quiet}`, body);
          const where = `${what} quiet=${quiet}: ${r.body}`;
          assert.equal(r.status, 200, where);
          assert.equal(r.type, 'application/json', where);
          const lines = r.body.split('\n').filter(Boolean);
          const last = JSON.parse(lines.at(-1) ?? '{}') as { error?: string; errorDetail?: { message?: string } };
          assert.ok(last.error, where);
          assert.equal(last.errorDetail?.message, last.error, where);
        }
      }
      const dir = mkdtempSync(join(tmpdir(), 'berth-load-abc-'));
      try {
        writeFileSync(join(dir, 'abc.tar'), 'abc');
        for (const args of [
          ['load', '-i'],
          ['load', '-q', '-i'],
        ]) {
          const r = await docker(e.env, [...args, join(dir, 'abc.tar')]);
          assert.equal(r.code, 1, r.stderr);
          assert.ok(r.stderr.trim() !== '' && !r.stderr.startsWith('Error response from daemon'), r.stderr);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      assert.equal(await storeState(e), before, 'a failed load keeps nothing');
    });
  });
}
