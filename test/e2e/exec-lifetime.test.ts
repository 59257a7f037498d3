// How long exec instances live, on Docker's engine and on berthd side by side: a container's ExecIDs list its
// execs created or running (not the finished ones); its stop drops the never-started ones while finished ones stay
// inspectable; its removal takes them all (inspect: 404 "No such exec instance: <id>"; start: 404).
// Skips without root or without dockerd; stops the daemons it starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiJson, isRoot } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { hasDockerd } from '../helpers/dockerd.js';
import { useDaemon, useDockerd } from '../helpers/use-daemon.js';

const skip = !isRoot() ? 'needs root' : !hasDockerd() ? 'dockerd is not installed' : false;

interface Side {
  name: 'dockerd' | 'berthd';
  socketPath: string;
  env: NodeJS.ProcessEnv;
}

const engines = { dockerd: useDockerd(skip), berthd: useDaemon(skip) };

/** One Engine API call (an attached start is read to its end). */
const api = (side: Side, method: string, path: string, body?: unknown) => apiJson(side.socketPath, method, path, body);

async function createExec(side: Side, container: string, cmd: string[]): Promise<string> {
  const created = await api(side, 'POST', `/containers/${container}/exec`, { Cmd: cmd, AttachStdout: true });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  return String(created.json.Id);
}

/** An exec run to its end (the start's stream ends when it exits); returns its id. */
async function finishedExec(side: Side, container: string, code: number): Promise<string> {
  const id = await createExec(side, container, ['sh', '-c', `exit ${code}`]);
  assert.equal((await api(side, 'POST', `/exec/${id}/start`, { Detach: false })).status, 200);
  const seen = await api(side, 'GET', `/exec/${id}/json`);
  assert.deepEqual([seen.json.Running, seen.json.ExitCode], [false, code]);
  return id;
}

const execIds = async (side: Side, container: string): Promise<string[] | null> => {
  const seen = await api(side, 'GET', `/containers/${container}/json`);
  assert.equal(seen.status, 200);
  const ids = seen.json.ExecIDs as string[] | null;
  return ids === null ? null : [...ids].sort();
};

async function assertGone(side: Side, id: string): Promise<void> {
  const seen = await api(side, 'GET', `/exec/${id}/json`);
  assert.deepEqual([seen.status, seen.json.message], [404, `No such exec instance: ${id}`], side.name);
}

for (const name of ['dockerd', 'berthd'] as const) {
  const side = (): Side => ({ name, socketPath: engines[name].socketPath, env: engines[name].env });

  test(
    `${name}: ExecIDs lists created and running execs; after rm -f every exec of the container is 404`,
    { skip },
    async () => {
      const s = side();
      const up = await docker(s.env, ['run', '-d', '--network', 'none', '--name', 'keep', 'busybox', 'sleep', '1000']);
      assert.equal(up.code, 0, up.stderr);
      const created = await createExec(s, 'keep', ['sleep', '1']);
      const finished = await finishedExec(s, 'keep', 3);
      const running = await createExec(s, 'keep', ['sleep', '1000']);
      assert.equal((await api(s, 'POST', `/exec/${running}/start`, { Detach: true })).status, 200);
      assert.equal((await api(s, 'GET', `/exec/${running}/json`)).json.Running, true);
      assert.deepEqual(await execIds(s, 'keep'), [created, running].sort());

      const rm = await docker(s.env, ['rm', '-f', 'keep']);
      assert.equal(rm.code, 0, rm.stderr);
      for (const id of [created, finished, running]) await assertGone(s, id);
      // dockerd 20.10 says "No such container: <exec id>" while its record waits for the sweep; berthd's is gone.
      const start = await api(s, 'POST', `/exec/${finished}/start`, { Detach: true });
      assert.equal(start.status, 404);
      assert.match(String(start.json.message), new RegExp(`^No such (exec instance|container): ${finished}$`));
    },
  );

  test(
    `${name}: a stop drops the never-started execs; finished ones stay inspectable until the container goes`,
    { skip },
    async () => {
      const s = side();
      const up = await docker(s.env, ['run', '-d', '--network', 'none', '--name', 'halt', 'busybox', 'sleep', '1000']);
      assert.equal(up.code, 0, up.stderr);
      const created = await createExec(s, 'halt', ['sleep', '1']);
      const finished = await finishedExec(s, 'halt', 5);
      assert.deepEqual(await execIds(s, 'halt'), [created]);

      assert.equal((await docker(s.env, ['kill', 'halt'])).code, 0);
      assert.equal((await docker(s.env, ['wait', 'halt'])).code, 0);
      // dockerd's container inspect waits for the exit's clean-up (it holds the container's lock).
      assert.equal(await execIds(s, 'halt'), null);
      await assertGone(s, created);
      assert.equal((await api(s, 'POST', `/exec/${created}/start`, { Detach: true })).status, 404);
      const kept = await api(s, 'GET', `/exec/${finished}/json`);
      assert.deepEqual([kept.status, kept.json.Running, kept.json.ExitCode], [200, false, 5]);

      assert.equal((await docker(s.env, ['rm', 'halt'])).code, 0);
      await assertGone(s, finished);
    },
  );
}
