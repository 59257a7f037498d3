// Races between `network rm` (and prune) and what adds or joins an endpoint on that network, made deterministic with
// berthd's test-only pause points (src/daemon/test-pause-point.ts): a removal is held once it passed its checks
// (the network is marked as being removed then), or once its bridge went; a second removal before it waits for the
// one under way; a start's join is held once its address is recorded. The rival request is sent inside the window, then the held one goes on. No container is ever left
// running with an endpoint on a removed network, and the store stays consistent across a kill -9 mid-teardown.
// Docker's engine 20.10 cannot be held, so its answers were measured by racing the same requests (n=20 each, load
// ~4): a start or connect that loses to `network rm` gets 404 "network <ref> not found" (14 and 4 of 20; the
// others won and the rm got 403 "has active endpoints"), and the second of two `rm` 404 "network <ref> not found"
// (19 of 20; once "error while removing network: unknown network ..."). The tests compare berthd's answers in the
// window with dockerd's for the same requests just after the rm, which are those.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiRequest, isRoot } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { hasDockerd } from '../helpers/dockerd.js';
import { useDaemon, useDockerd } from '../helpers/use-daemon.js';
import { fakeUpstream, uniqueNetConfig } from '../helpers/net.js';
import { pausePoints, type PausePoints } from '../helpers/pause-point.js';

const skip = !isRoot() ? 'needs root' : !hasDockerd() ? 'dockerd is not installed' : false;
const CHECKED = 'network-remove-checked';
const BRIDGE_GONE = 'network-remove-bridge-gone';
const JOINED = 'network-join-recorded';
const WAITS = 'network-remove-waits';

let pause: PausePoints | undefined;
let upstream: Awaited<ReturnType<typeof fakeUpstream>> | undefined;
const work = mkdtempSync(join(tmpdir(), 'berth-netrace-'));
const points = (): PausePoints => {
  if (!pause) throw new Error('no pause points');
  return pause;
};
const berthd = useDaemon(skip, {
  start: async () => {
    pause = await pausePoints([CHECKED, BRIDGE_GONE, JOINED, WAITS]);
    upstream = await fakeUpstream(work);
    return { env: pause.env, extraArgs: uniqueNetConfig(upstream.resolvConf).args };
  },
  tearDown: async (daemon) => {
    await docker(daemon.env, ['network', 'prune', '-f']);
  },
});
const engine = useDockerd(skip, { start: () => ({ network: true }) });
after(async () => {
  await upstream?.close();
  if (pause) rmSync(pause.dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

async function ok(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const r = await docker(env, args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

interface Answer {
  status: number;
  message: string;
}
async function call(socketPath: string, path: string, method: string, json?: unknown): Promise<Answer> {
  const r = await apiRequest(socketPath, path, { method, ...(json === undefined ? {} : { json }) });
  return { status: r.status, message: r.status >= 400 ? (JSON.parse(r.body) as { message: string }).message : '' };
}

/** Sends `request` and resolves once berthd holds it at `point`, with its outcome (wrapped: an async function
 * returning the promise itself would wait for it). */
async function held<T>(point: string, request: () => Promise<T>): Promise<{ outcome: Promise<T> }> {
  points().arm(point);
  const outcome = request();
  // A request answered without reaching the point (refused early) fails the test instead of holding it forever.
  await Promise.race([
    points().reached(point),
    outcome.then((answer) => {
      throw new Error(`answered before reaching ${point}: ${JSON.stringify(answer)}`);
    }),
  ]);
  return { outcome };
}

const networkNames = async (env: NodeJS.ProcessEnv): Promise<string[]> =>
  (await ok(env, ['network', 'ls', '--format', '{{.Name}}'])).split('\n');
const destroyEvents = async (env: NodeJS.ProcessEnv, since: string, name: string): Promise<number> => {
  const until = String(Math.ceil(Date.now() / 1000) + 1);
  const out = await ok(env, [
    'events',
    '--since',
    since,
    '--until',
    until,
    '--filter',
    'type=network',
    '--filter',
    'event=destroy',
    '--filter',
    `network=${name}`,
    '--format',
    '{{.Action}}',
  ]);
  return out.split('\n').filter(Boolean).length;
};
const nowSeconds = (): string => String(Math.floor(Date.now() / 1000) - 1);
const linkExists = (name: string): boolean => {
  try {
    execFileSync('ip', ['link', 'show', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** dockerd's answer to the same request just after the network was removed (the container created on it, or
 * running on its default bridge): the shape berthd must give. */
async function dockerdAfterRm(
  net: string,
  container: 'created' | 'running',
  request: (socketPath: string, containerId: string) => Promise<Answer>,
): Promise<Answer> {
  await ok(engine.env, ['network', 'create', net]);
  const id =
    container === 'created'
      ? await ok(engine.env, ['create', '--network', net, 'busybox', 'sleep', '600'])
      : await ok(engine.env, ['run', '-d', 'busybox', 'sleep', '600']);
  await ok(engine.env, ['network', 'rm', net]);
  try {
    return await request(engine.socketPath, id);
  } finally {
    await ok(engine.env, ['rm', '-f', id]);
  }
}

test(
  'a start while network rm tears the network down: 404 network not found, as dockerd; nothing left joined',
  {
    skip,
  },
  async () => {
    const net = 'race-start';
    await ok(berthd.env, ['network', 'create', net]);
    const bridge = await ok(berthd.env, ['network', 'inspect', '-f', '{{.Id}}', net]);
    const id = await ok(berthd.env, ['create', '--network', net, 'busybox', 'sleep', '600']);
    const { outcome } = await held(CHECKED, () => call(berthd.socketPath, `/networks/${net}`, 'DELETE'));
    const start = await call(berthd.socketPath, `/containers/${id}/start`, 'POST');
    points().release(CHECKED);
    const removal = await outcome;

    const reference = await dockerdAfterRm(net, 'created', (socket, cid) =>
      call(socket, `/containers/${cid}/start`, 'POST'),
    );
    assert.deepEqual(reference, { status: 404, message: `network ${net} not found` });
    assert.deepEqual(start, reference);
    assert.equal(removal.status, 204);
    assert.equal(await ok(berthd.env, ['inspect', '-f', '{{.State.Running}}', id]), 'false');
    assert.ok(!(await networkNames(berthd.env)).includes(net));
    assert.equal(linkExists(`br-${bridge.slice(0, 12)}`), false, 'the bridge is gone');
    // A later start is refused the same way (the container names a network that no longer exists).
    assert.deepEqual(await call(berthd.socketPath, `/containers/${id}/start`, 'POST'), reference);
    await ok(berthd.env, ['rm', '-f', id]);
  },
);

test(
  'a connect while network rm tears the network down: 404, as dockerd; the container keeps its other network',
  {
    skip,
  },
  async () => {
    const net = 'race-connect';
    await ok(berthd.env, ['network', 'create', 'race-home']);
    const runner = await ok(berthd.env, ['run', '-d', '--network', 'race-home', 'busybox', 'sleep', '600']);
    await ok(berthd.env, ['network', 'create', net]);
    const { outcome } = await held(CHECKED, () => call(berthd.socketPath, `/networks/${net}`, 'DELETE'));
    const connect = await call(berthd.socketPath, `/networks/${net}/connect`, 'POST', { Container: runner });
    points().release(CHECKED);
    const removal = await outcome;

    const reference = await dockerdAfterRm(net, 'running', (socket, cid) =>
      call(socket, `/networks/${net}/connect`, 'POST', { Container: cid }),
    );
    assert.deepEqual(reference, { status: 404, message: `network ${net} not found` });
    assert.deepEqual(connect, reference);
    assert.equal(removal.status, 204);
    const networks = await ok(berthd.env, ['inspect', '-f', '{{json .NetworkSettings.Networks}}', runner]);
    assert.deepEqual(Object.keys(JSON.parse(networks) as object), ['race-home']);
    assert.equal(await ok(berthd.env, ['exec', runner, 'sh', '-c', 'ls /sys/class/net | grep -c eth']), '1');
    await ok(berthd.env, ['rm', '-f', runner]);
    await ok(berthd.env, ['network', 'rm', 'race-home']);
  },
);

test(
  'network rm while a start joins the network: 403 active endpoints, as dockerd; the container runs on it',
  {
    skip,
  },
  async () => {
    const net = 'race-join';
    await ok(berthd.env, ['network', 'create', net]);
    const id = await ok(berthd.env, ['create', '--network', net, 'busybox', 'sleep', '600']);
    const { outcome } = await held(JOINED, () => call(berthd.socketPath, `/containers/${id}/start`, 'POST'));
    const removal = await call(berthd.socketPath, `/networks/${net}`, 'DELETE');
    points().release(JOINED);
    const start = await outcome;

    await ok(engine.env, ['network', 'create', net]);
    const ref = await ok(engine.env, ['run', '-d', '--network', net, 'busybox', 'sleep', '600']);
    const reference = await call(engine.socketPath, `/networks/${net}`, 'DELETE');
    await ok(engine.env, ['rm', '-f', ref]);
    await ok(engine.env, ['network', 'rm', net]);
    const netId = await ok(berthd.env, ['network', 'inspect', '-f', '{{.Id}}', net]);
    const refId = reference.message.match(/id ([0-9a-f]{64})/)?.[1] ?? '';
    assert.equal(reference.status, 403);
    assert.deepEqual(removal, { status: 403, message: reference.message.replace(refId, netId) });
    assert.equal(start.status, 204);
    const ip = await ok(berthd.env, ['inspect', '-f', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, id]);
    assert.match(ip, /^10\.\d+\.\d+\.\d+$/);
    await ok(berthd.env, ['rm', '-f', id]);
    await ok(berthd.env, ['network', 'rm', net]);
  },
);

test('two network rm at once: the second waits and gets 404, as dockerd; one destroy event', { skip }, async () => {
  const net = 'race-rm-rm';
  await ok(berthd.env, ['network', 'create', net]);
  const since = nowSeconds();
  const { outcome } = await held(CHECKED, () => call(berthd.socketPath, `/networks/${net}`, 'DELETE'));
  const { outcome: second } = await held(WAITS, () => call(berthd.socketPath, `/networks/${net}`, 'DELETE'));
  points().release(WAITS);
  points().release(CHECKED);
  const [first, then] = await Promise.all([outcome, second]);

  await ok(engine.env, ['network', 'create', net]);
  await ok(engine.env, ['network', 'rm', net]);
  const reference = await call(engine.socketPath, `/networks/${net}`, 'DELETE');
  assert.deepEqual(reference, { status: 404, message: `network ${net} not found` });
  assert.equal(first.status, 204);
  assert.deepEqual(then, reference);
  assert.equal(await destroyEvents(berthd.env, since, net), 1);
});

test(
  'network prune meeting a rm under way waits for it and skips that network; a start racing prune gets 404',
  {
    skip,
  },
  async () => {
    // Created in this order, so that prune meets the one being removed first.
    const removed = 'race-prune-rm';
    const pruned = 'race-prune';
    await ok(berthd.env, ['network', 'create', removed]);
    await ok(berthd.env, ['network', 'create', pruned]);
    const id = await ok(berthd.env, ['create', '--network', pruned, 'busybox', 'sleep', '600']);
    const since = nowSeconds();
    const { outcome: removal } = await held(BRIDGE_GONE, () =>
      call(berthd.socketPath, `/networks/${removed}`, 'DELETE'),
    );
    const { outcome: prune } = await held(WAITS, () =>
      apiRequest(berthd.socketPath, '/networks/prune', { method: 'POST' }),
    );
    // Once the rm ends, prune goes on to the other network and is held there, past its checks.
    points().arm(CHECKED);
    points().release(WAITS);
    points().release(BRIDGE_GONE);
    const rm = await removal;
    await points().reached(CHECKED);
    const start = await call(berthd.socketPath, `/containers/${id}/start`, 'POST');
    points().release(CHECKED);
    const pr = await prune;

    assert.deepEqual(start, { status: 404, message: `network ${pruned} not found` });
    assert.equal(rm.status, 204);
    assert.equal(pr.status, 200, pr.body);
    const deleted = (JSON.parse(pr.body) as { NetworksDeleted: string[] | null }).NetworksDeleted ?? [];
    assert.ok(deleted.includes(pruned), pr.body);
    assert.ok(!deleted.includes(removed), pr.body);
    const names = await networkNames(berthd.env);
    assert.ok(!names.includes(pruned) && !names.includes(removed), names.join(' '));
    assert.equal(await destroyEvents(berthd.env, since, removed), 1);
    assert.equal(await ok(berthd.env, ['inspect', '-f', '{{.State.Running}}', id]), 'false');
    await ok(berthd.env, ['rm', '-f', id]);
  },
);

test(
  'kill -9 while network rm has removed the bridge: after a restart the network and its endpoints are whole',
  {
    skip,
  },
  async () => {
    const net = 'race-crash';
    await ok(berthd.env, ['network', 'create', net]);
    const netId = await ok(berthd.env, ['network', 'inspect', '-f', '{{.Id}}', net]);
    const id = await ok(berthd.env, ['create', '--name', 'race-crash-c', '--network', net, 'busybox', 'sleep', '600']);
    const { outcome } = await held(BRIDGE_GONE, () => call(berthd.socketPath, `/networks/${net}`, 'DELETE'));
    assert.equal(linkExists(`br-${netId.slice(0, 12)}`), false, 'held after the bridge went');
    const answered = outcome.then(
      () => 'answered',
      () => 'connection lost',
    );
    await berthd.kill9();
    assert.equal(await answered, 'connection lost');
    await berthd.startAgain();

    assert.equal(await ok(berthd.env, ['network', 'inspect', '-f', '{{.Id}}', net]), netId);
    assert.equal(linkExists(`br-${netId.slice(0, 12)}`), true, 'the bridge is back');
    // The created container kept its endpoint: it starts on the network with an address.
    await ok(berthd.env, ['start', id]);
    const ip = await ok(berthd.env, ['inspect', '-f', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, id]);
    assert.match(ip, /^10\.\d+\.\d+\.\d+$/);
    await ok(berthd.env, ['rm', '-f', id]);
    await ok(berthd.env, ['network', 'rm', net]);
    assert.ok(!(await networkNames(berthd.env)).includes(net));
  },
);
