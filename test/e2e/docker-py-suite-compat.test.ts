// Cases of docker-py 5.0.3's own integration suite (scripts/upstream-docker-py.sh) where berthd answered otherwise
// than Docker's engine: the same requests go to dockerd 20.10 and to berthd, and each test asserts what both must
// answer, so it checks itself against Docker.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
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
  });
}
