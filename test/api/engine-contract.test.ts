// Every Engine API route, in-process over the real engine with fakes for the host (no daemon, no root): each
// answer's status is one Docker's v1.47 swagger lists for the route, its body matches the swagger's schema (ajv),
// errors are {"message"}. The last test proves that every registered route was called, so a new route cannot
// go unchecked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pack } from 'tar-stream';
import { registeredRoutes } from '../../src/api/index.js';
import { dockerArchiveOf } from '../fixtures/docker-archive.js';
import { SqliteImageRecords } from '../../src/drivers/metadata-store/sqlite-image-records.js';
import { startApiEngine, type ApiEngine } from '../helpers/api-engine.js';
import { EngineContract } from '../helpers/engine-contract.js';
import { ApiCalls } from '../helpers/api-calls.js';

let engine: ApiEngine;
let api: ApiCalls;

before(async () => {
  engine = await startApiEngine();
  api = new ApiCalls(engine.app, await EngineContract.load());
});
after(async () => engine.close());

const tarOf = async (files: Record<string, string>): Promise<Buffer> => {
  const p = pack();
  for (const [name, text] of Object.entries(files)) p.entry({ name, mode: 0o644 }, text);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};
const TAR = { 'content-type': 'application/x-tar' };
const NONE = 'f'.repeat(64);

test('system: ping, version, info, df, events', async () => {
  await api.call('GET', '/_ping', '/_ping', { expect: 200 });
  await api.call('HEAD', '/_ping', '/_ping', { expect: 200 });
  await api.call('GET', '/version', '/version', { expect: 200 });
  await api.call('GET', '/v1.47/info', '/info', { expect: 200 });
  await api.call('GET', '/v1.99/info', '/info', { expect: 400 });
  await api.call('GET', '/system/df', '/system/df', { expect: 200 });
  const past = Math.floor(Date.now() / 1000) - 1;
  await api.call('GET', `/events?since=0&until=${past}`, '/events', { expect: 200, jsonLines: true });
  // As Docker: an unknown filter key is taken (it filters nothing out); since after until is refused.
  await api.call('GET', `/events?since=0&until=${past}&filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D`, '/events', {
    expect: 200,
    jsonLines: true,
  });
  await api.call('GET', `/events?since=${past}&until=1`, '/events', { expect: 400 });
});

test('images: load, list, inspect, history, tag, save, prune, remove', async () => {
  const archive = await dockerArchiveOf(Buffer.alloc(1024), 'contract/img:1');
  const loaded = await api.call('POST', '/images/load', '/images/load', {
    payload: archive,
    headers: TAR,
    expect: 200,
    jsonLines: true,
  });
  assert.deepEqual(loaded.body, [{ stream: 'Loaded image: contract/img:1\n' }]);
  await api.call('GET', '/images/json', '/images/json', { expect: 200 });
  await api.call('GET', '/images/json?all=1&filters=%7B%22dangling%22%3A%5B%22false%22%5D%7D', '/images/json', {
    expect: 200,
  });
  await api.call('GET', '/images/json?filters=%7B%22nope%22%3A%5B%22x%22%5D%7D', '/images/json', { expect: 400 });
  await api.call('GET', '/images/contract/img:1/json', '/images/{name}/json', { expect: 200 });
  await api.call('GET', '/images/missing:1/json', '/images/{name}/json', { expect: 404 });
  await api.call('GET', '/images/contract/img:1/history', '/images/{name}/history', { expect: 200 });
  await api.call('GET', '/images/missing:1/history', '/images/{name}/history', { expect: 404 });
  await api.call('POST', '/images/contract/img:1/tag?repo=contract/other&tag=2', '/images/{name}/tag', { expect: 201 });
  // A refused tag stores nothing: listing and lookups by name go on working.
  const refused = await api.call(
    'POST',
    '/images/contract/img:1/tag?repo=contract/other&tag=..%2F..',
    '/images/{name}/tag',
    { expect: 400 },
  );
  assert.deepEqual(refused.body, { message: 'invalid tag format' });
  const tags = await api.call('GET', '/images/json', '/images/json', { expect: 200 });
  assert.deepEqual((tags.body as { RepoTags: string[] }[]).flatMap((i) => i.RepoTags).sort(), [
    'contract/img:1',
    'contract/other:2',
  ]);
  await api.call('GET', '/images/contract/other:2/json', '/images/{name}/json', { expect: 200 });
  await api.call('POST', '/images/missing:1/tag?repo=x&tag=1', '/images/{name}/tag', { expect: 404 });
  const saved = await api.call('GET', '/images/contract/img:1/get', '/images/{name}/get', { expect: 200 });
  assert.ok(saved.text.length > 0);
  await api.call('GET', '/images/get?names=contract/img:1&names=contract/other:2', '/images/get', { expect: 200 });
  await api.call('GET', '/images/get?names=missing:1', '/images/get', { expect: 404 });
  await api.call('POST', '/images/prune', '/images/prune', { expect: 200 });
  await api.call('DELETE', '/images/contract/other:2', '/images/{name}', { expect: 200 });
  await api.call('DELETE', '/images/missing:1', '/images/{name}', { expect: 404 });
  // import a rootfs tar, then check it is listed
  const imported = await api.call('POST', '/images/create?fromSrc=-&repo=contract/imported&tag=1', '/images/create', {
    payload: await tarOf({ 'a.txt': 'a' }),
    headers: TAR,
    expect: 200,
    jsonLines: true,
  });
  assert.match(JSON.stringify(imported.body), /sha256:/);
  await api.call('POST', '/images/create?fromSrc=http://x', '/images/create', { expect: 501 });
});

test('images: a name stored unreadable (by an older berth) does not break listing or lookups', async () => {
  const id = engine.images.find('contract/img:1').id;
  new SqliteImageRecords(engine.db).tag('docker.io/contract/other:../..', id, new Date().toISOString());
  const list = await api.call('GET', '/images/json', '/images/json', { expect: 200 });
  assert.ok((list.body as { RepoTags: string[] }[]).some((i) => i.RepoTags.includes('contract/img:1')));
  await api.call('GET', '/images/contract/img:1/json', '/images/{name}/json', { expect: 200 });
  await api.call('GET', `/images/${id}/json`, '/images/{name}/json', { expect: 200 });
  await api.call('GET', '/system/df', '/system/df', { expect: 200 });
});

test('bodies that are not what a route takes are refused at once, before any network call', async () => {
  for (const url of ['/images/load', '/images/create?fromSrc=-', '/build'])
    await api.call('POST', url, url.replace(/\?.*/, ''), { payload: { not: 'a tar' }, expect: 400 });
  const calls = engine.registry.calls;
  for (const payload of [
    { username: 5, password: 'p' },
    ['u'],
    { auth: 123 },
    { serveraddress: {} },
    { username: 'u', password: 'p', serveraddress: 'a b' },
    { username: 'u', password: 'p', serveraddress: 'x:99999999' },
  ])
    await api.call('POST', '/auth', '/auth', { payload, expect: 400 });
  await api.call('POST', '/auth', '/auth', {
    payload: '"just a string"',
    headers: { 'content-type': 'application/json' },
    expect: 400,
  });
  assert.equal(engine.registry.calls, calls, 'no refused login reached the registry client');
});

test('registry: pull, push, auth, distribution answer without a network', async () => {
  await api.call('POST', '/images/create?fromImage=localhost:5999/none&tag=1', '/images/create', { expect: 404 });
  await api.call('POST', '/images/contract/img:1/push', '/images/{name}/push', { expect: 200, jsonLines: true });
  await api.call('POST', '/auth', '/auth', {
    payload: { username: 'u', password: 'p', serveraddress: 'localhost:5999' },
    expect: 401,
  });
  await api.call('POST', '/auth', '/auth', {
    payload: { username: 'u', password: 'right', serveraddress: 'localhost:5999' },
    expect: 200,
  });
  await api.call('GET', '/distribution/localhost:5999/none:1/json', '/distribution/{name}/json', { expect: 404 });
  await api.call('GET', '/distribution/localhost:5999/contract/remote:1/json', '/distribution/{name}/json', {
    expect: 200,
  });
});

test('containers: create, inspect, list, start, top, stats, logs, pause, update, kill, wait, rename, rm, prune', async () => {
  const created = await api.call('POST', '/containers/create?name=c1', '/containers/create', {
    payload: { Image: 'contract/img:1', Cmd: ['sh'], Tty: false },
    expect: 201,
  });
  const id = (created.body as { Id: string }).Id;
  await api.call('POST', '/containers/create?name=c1', '/containers/create', {
    payload: { Image: 'contract/img:1' },
    expect: 409,
  });
  await api.call('POST', '/containers/create', '/containers/create', { payload: { Image: 'missing:1' }, expect: 404 });
  await api.call('POST', '/containers/create', '/containers/create', {
    payload: 'not json',
    headers: { 'content-type': 'application/json' },
    expect: 400,
  });
  // Config's fields are typed as Docker's decoder types them (an object for Image was a 500); a string Cmd is a one-element list.
  const typed = await api.call('POST', '/containers/create', '/containers/create', {
    payload: { Image: {} },
    expect: 400,
  });
  assert.deepEqual(typed.body, {
    message: 'json: cannot unmarshal object into Go struct field Config.Image of type string',
  });
  await api.call('POST', '/containers/create', '/containers/create', {
    payload: { Image: 'contract/img:1', Env: 'A=1' },
    expect: 400,
  });
  const strCmd = await api.call('POST', '/containers/create?name=strcmd', '/containers/create', {
    payload: { Image: 'contract/img:1', Cmd: 'sh -c true' },
    expect: 201,
  });
  const strCmdView = await api.call('GET', '/containers/strcmd/json', '/containers/{id}/json', { expect: 200 });
  assert.deepEqual(
    (strCmdView.body as { Config: { Cmd: string[] } }).Config.Cmd,
    ['sh -c true'],
    JSON.stringify(strCmd.body),
  );
  await api.call('DELETE', '/containers/strcmd', '/containers/{id}', { expect: 204 });
  await api.call('GET', '/containers/json?all=1', '/containers/json', { expect: 200 });
  await api.call('GET', `/containers/${id}/json`, '/containers/{id}/json', { expect: 200 });
  await api.call('GET', `/containers/${NONE}/json`, '/containers/{id}/json', { expect: 404 });
  await api.call('POST', `/containers/${id}/start`, '/containers/{id}/start', { expect: 204 });
  await api.call('POST', `/containers/${id}/start`, '/containers/{id}/start', { expect: 304 });
  await api.call('GET', '/containers/json?size=1', '/containers/json', { expect: 200 });
  await api.call('GET', `/containers/${id}/json?size=1`, '/containers/{id}/json', { expect: 200 });
  await api.call('GET', `/containers/${id}/top`, '/containers/{id}/top', { expect: 200 });
  await api.call('GET', `/containers/${id}/stats?stream=0`, '/containers/{id}/stats', { expect: 200 });
  await api.call('GET', `/containers/${id}/logs?stdout=1`, '/containers/{id}/logs', { expect: 200 });
  await api.call('GET', `/containers/${id}/logs`, '/containers/{id}/logs', { expect: 400 });
  await api.call('POST', `/containers/${id}/update`, '/containers/{id}/update', {
    payload: { CpuShares: 512 },
    expect: 200,
  });
  await api.call('POST', `/containers/${id}/resize?h=10&w=20`, '/containers/{id}/resize', { expect: 200 });
  await api.call('POST', `/containers/${id}/pause`, '/containers/{id}/pause', { expect: 204 });
  await api.call('POST', `/containers/${id}/unpause`, '/containers/{id}/unpause', { expect: 204 });
  await api.call('POST', `/containers/${id}/kill?signal=NOPE`, '/containers/{id}/kill', { expect: 400 });
  await api.call('POST', `/containers/${id}/restart?t=0`, '/containers/{id}/restart', { expect: 204 });
  await api.call('POST', `/containers/${id}/kill`, '/containers/{id}/kill', { expect: 204 });
  await api.call('POST', `/containers/${id}/wait`, '/containers/{id}/wait', { expect: 200 });
  await api.call('POST', `/containers/${id}/wait?condition=bogus`, '/containers/{id}/wait', { expect: 400 });
  await api.call('POST', `/containers/${id}/stop`, '/containers/{id}/stop', { expect: 304 });
  await api.call('POST', `/containers/${id}/rename?name=c2`, '/containers/{id}/rename', { expect: 204 });
  await api.call('POST', `/containers/${id}/rename`, '/containers/{id}/rename', { expect: 400 });
  await api.call('GET', `/containers/${id}/export`, '/containers/{id}/export', { expect: 200 });
  // diff and commit need an overlay upper dir, which the in-memory snapshotter has not: only their refusals here.
  await api.call('POST', `/commit?container=${NONE}&repo=contract/committed&tag=1`, '/commit', {
    payload: {},
    expect: 404,
  });
  await api.call('GET', `/containers/${NONE}/changes`, '/containers/{id}/changes', { expect: 404 });
  await api.call('POST', '/commit', '/commit', { expect: 400 });
  await api.call('DELETE', `/containers/${id}`, '/containers/{id}', { expect: 204 });
  await api.call('DELETE', `/containers/${id}`, '/containers/{id}', { expect: 404 });
  await api.call('POST', '/containers/prune', '/containers/prune', { expect: 200 });
  for (const action of [
    'start',
    'stop',
    'restart',
    'kill',
    'wait',
    'pause',
    'unpause',
    'attach',
    'resize',
    'rename?name=x',
    'update',
  ])
    await api.call('POST', `/containers/${NONE}/${action}`, `/containers/{id}/${action.replace(/\?.*/, '')}`, {
      payload: action === 'update' ? {} : undefined,
      expect: 404,
    });
  for (const action of ['logs?stdout=1', 'top', 'changes', 'export', 'stats?stream=0', 'archive?path=/'])
    await api.call('GET', `/containers/${NONE}/${action}`, `/containers/{id}/${action.replace(/\?.*/, '')}`, {
      expect: 404,
    });
});

test('cp: archive stat, get and put on a running container', async () => {
  const created = await api.call('POST', '/containers/create', '/containers/create', {
    payload: { Image: 'contract/img:1', Cmd: ['sh'] },
    expect: 201,
  });
  const id = (created.body as { Id: string }).Id;
  await api.call('POST', `/containers/${id}/start`, '/containers/{id}/start', { expect: 204 });
  await api.call('PUT', `/containers/${id}/archive?path=/`, '/containers/{id}/archive', {
    payload: await tarOf({ 'hello.txt': 'hi' }),
    headers: TAR,
    expect: 200,
  });
  const stat = await api.call('HEAD', `/containers/${id}/archive?path=/hello.txt`, '/containers/{id}/archive', {
    expect: 200,
  });
  assert.ok(stat.headers['x-docker-container-path-stat']);
  await api.call('HEAD', `/containers/${id}/archive?path=/missing`, '/containers/{id}/archive', { expect: 404 });
  await api.call('GET', `/containers/${id}/archive?path=/hello.txt`, '/containers/{id}/archive', { expect: 200 });
  await api.call('GET', `/containers/${id}/archive`, '/containers/{id}/archive', { expect: 400 });
  await api.call('PUT', `/containers/${id}/archive?path=/missing-dir`, '/containers/{id}/archive', {
    payload: await tarOf({ x: 'x' }),
    headers: TAR,
    expect: 404,
  });
  await api.call('DELETE', `/containers/${id}?force=1`, '/containers/{id}', { expect: 204 });
});

test('exec: create, inspect, resize, start detached', async () => {
  const created = await api.call('POST', '/containers/create', '/containers/create', {
    payload: { Image: 'contract/img:1', Cmd: ['sh'] },
    expect: 201,
  });
  const id = (created.body as { Id: string }).Id;
  await api.call('POST', `/containers/${id}/exec`, '/containers/{id}/exec', {
    payload: { Cmd: ['true'] },
    expect: 409,
  });
  await api.call('POST', `/containers/${id}/exec`, '/containers/{id}/exec', {
    payload: { Cmd: ['true'], DetachKeys: 8 },
    expect: 400,
  });
  await api.call('POST', `/containers/${id}/start`, '/containers/{id}/start', { expect: 204 });
  const exec = await api.call('POST', `/containers/${id}/exec`, '/containers/{id}/exec', {
    payload: { Cmd: ['true'], AttachStdout: true },
    expect: 201,
  });
  const execId = (exec.body as { Id: string }).Id;
  await api.call('GET', `/exec/${execId}/json`, '/exec/{id}/json', { expect: 200 });
  await api.call('POST', `/exec/${execId}/start`, '/exec/{id}/start', { payload: { Detach: true }, expect: 200 });
  await api.call('POST', `/exec/${execId}/resize?h=1&w=1`, '/exec/{id}/resize', { expect: 409 }); // it has exited
  const sleeper = await api.call('POST', `/containers/${id}/exec`, '/containers/{id}/exec', {
    payload: { Cmd: ['sleep', '9'], Tty: true },
    expect: 201,
  });
  const sleeperId = (sleeper.body as { Id: string }).Id;
  await api.call('POST', `/exec/${sleeperId}/start`, '/exec/{id}/start', {
    payload: { Detach: true, Tty: true },
    expect: 200,
  });
  await api.call('POST', `/exec/${sleeperId}/resize?h=10&w=10`, '/exec/{id}/resize', { expect: 200 });
  await api.call('GET', `/exec/${sleeperId}/json`, '/exec/{id}/json', { expect: 200 });
  const attachedExec = await api.call('POST', `/containers/${id}/exec`, '/containers/{id}/exec', {
    payload: { Cmd: ['true'], AttachStdout: true },
    expect: 201,
  });
  const attachedId = (attachedExec.body as { Id: string }).Id;
  await api.call('POST', `/exec/${attachedId}/start`, '/exec/{id}/start', {
    payload: {},
    expect: 200,
    socketPath: engine.socketPath,
  });
  await api.call('GET', `/exec/${attachedId}/json`, '/exec/{id}/json', { expect: 200 });
  await api.call('GET', `/exec/${NONE}/json`, '/exec/{id}/json', { expect: 404 });
  await api.call('POST', `/exec/${NONE}/start`, '/exec/{id}/start', { payload: {}, expect: 404 });
  await api.call('POST', `/exec/${NONE}/resize?h=1&w=1`, '/exec/{id}/resize', { expect: 404 });
  await api.call('POST', `/containers/${NONE}/exec`, '/containers/{id}/exec', {
    payload: { Cmd: ['true'] },
    expect: 404,
  });
  await api.call('DELETE', `/containers/${id}?force=1`, '/containers/{id}', { expect: 204 });
});

test('attach: output of a stopped container, websocket refused without an upgrade', async () => {
  const created = await api.call('POST', '/containers/create', '/containers/create', {
    payload: { Image: 'contract/img:1', Cmd: ['sh'] },
    expect: 201,
  });
  const id = (created.body as { Id: string }).Id;
  await api.call('GET', `/containers/${id}/attach/ws?stream=1&stdout=1`, '/containers/{id}/attach/ws', { expect: 400 });
  const attached = await api.call('POST', `/containers/${id}/attach?logs=1&stdout=1`, '/containers/{id}/attach', {
    expect: 200,
    socketPath: engine.socketPath,
  });
  assert.equal(attached.text, '');
  await api.call('DELETE', `/containers/${id}`, '/containers/{id}', { expect: 204 });
});

test('volumes: create, list, inspect, remove, prune', async () => {
  await api.call('POST', '/volumes/create', '/volumes/create', {
    payload: { Name: 'v1', Labels: { a: 'b' } },
    expect: 201,
  });
  await api.call('POST', '/volumes/create', '/volumes/create', { payload: { Name: 'bad/name' }, expect: 400 });
  const typed = await api.call('POST', '/volumes/create', '/volumes/create', { payload: { Name: 5 }, expect: 400 });
  assert.deepEqual(typed.body, {
    message: 'json: cannot unmarshal number into Go struct field CreateOptions.Name of type string',
  });
  await api.call('POST', '/volumes/create', '/volumes/create', { payload: { Labels: { a: 1 } }, expect: 400 });
  await api.call('GET', '/volumes', '/volumes', { expect: 200 });
  await api.call('GET', '/volumes/v1', '/volumes/{name}', { expect: 200 });
  await api.call('GET', '/volumes/none', '/volumes/{name}', { expect: 404 });
  await api.call('DELETE', '/volumes/v1', '/volumes/{name}', { expect: 204 });
  await api.call('DELETE', '/volumes/none', '/volumes/{name}', { expect: 404 });
  await api.call('POST', '/volumes/prune', '/volumes/prune', { expect: 200 });
});

test('networks: create, list, inspect, connect, disconnect, remove, prune', async () => {
  const created = await api.call('POST', '/networks/create', '/networks/create', {
    payload: { Name: 'n1' },
    expect: 201,
  });
  const id = (created.body as { Id: string }).Id;
  await api.call('POST', '/networks/create', '/networks/create', { payload: { Name: 'n1' }, expect: 409 });
  await api.call('GET', '/networks', '/networks', { expect: 200 });
  await api.call('GET', `/networks/${id}`, '/networks/{id}', { expect: 200 });
  await api.call('GET', '/networks/bridge', '/networks/{id}', { expect: 200 });
  await api.call('GET', '/networks/none-such', '/networks/{id}', { expect: 404 });
  const c = await api.call('POST', '/containers/create', '/containers/create', {
    payload: { Image: 'contract/img:1', Cmd: ['sh'] },
    expect: 201,
  });
  const cid = (c.body as { Id: string }).Id;
  await api.call('POST', `/networks/${id}/connect`, '/networks/{id}/connect', {
    payload: { Container: cid },
    expect: 200,
  });
  await api.call('POST', `/networks/${id}/connect`, '/networks/{id}/connect', { payload: {}, expect: 400 });
  await api.call('POST', `/networks/${id}/disconnect`, '/networks/{id}/disconnect', {
    payload: { Container: cid },
    expect: 200,
  });
  await api.call('POST', '/networks/none-such/disconnect', '/networks/{id}/disconnect', {
    payload: { Container: cid },
    expect: 404,
  });
  // Legacy links: DELETE /containers/{id}/{alias}?link=1 (Docker's router takes "id/alias" as one name; not in the swagger).
  const linked = await api.call('POST', '/containers/create?name=linker', '/containers/create', {
    payload: { Image: 'contract/img:1', Cmd: ['sh'], HostConfig: { Links: [`${cid}:alias1`] } },
    expect: 201,
  });
  await api.call('DELETE', '/containers/linker/alias1', null, { expect: 404 });
  await api.call('DELETE', '/containers/linker/alias1?link=1', null, { expect: 204 });
  await api.call('DELETE', '/containers/linker/alias1?link=1', null, { expect: 404 });
  await api.call('DELETE', `/containers/${(linked.body as { Id: string }).Id}`, '/containers/{id}', { expect: 204 });
  await api.call('DELETE', `/containers/${cid}`, '/containers/{id}', { expect: 204 });
  await api.call('DELETE', `/networks/${id}`, '/networks/{id}', { expect: 204 });
  await api.call('DELETE', '/networks/none-such', '/networks/{id}', { expect: 404 });
  await api.call('POST', '/networks/prune', '/networks/prune', { expect: 200 });
});

test('build: a context without RUN, prune, cancel', async () => {
  const context = await tarOf({ Dockerfile: 'FROM contract/img:1\nLABEL a=b\nENV X=1\n' });
  const built = await api.call('POST', '/build?t=contract/built:1', '/build', {
    payload: context,
    headers: TAR,
    expect: 200,
    jsonLines: true,
  });
  assert.match(JSON.stringify(built.body), /Successfully built/);
  await api.call('POST', '/build?remote=http://x', '/build', { payload: context, headers: TAR, expect: 400 }); // refused by name
  await api.call('POST', '/build/prune', '/build/prune', { expect: 200 });
  await api.call('POST', '/build/cancel?id=x', null, { expect: 200 }); // not in the v1.47 swagger
});

test("swarm mode: outside a swarm every swarm route answers 503 with Docker's message; updates check version first", async () => {
  const NOT_MANAGER = /^This node is not a swarm manager\./;
  for (const [method, url, path] of [
    ['GET', '/swarm', '/swarm'],
    ['GET', '/swarm/unlockkey', '/swarm/unlockkey'],
    ['POST', '/swarm/unlock', '/swarm/unlock'],
    ['GET', '/nodes', '/nodes'],
    ['GET', '/nodes/n1', '/nodes/{id}'],
    ['DELETE', '/nodes/n1', '/nodes/{id}'],
    ['GET', '/tasks', '/tasks'],
    ['GET', '/tasks/t1', '/tasks/{id}'],
    ...['services', 'secrets', 'configs'].flatMap((kind) => [
      ['GET', `/${kind}`, `/${kind}`],
      ['GET', `/${kind}/x1`, `/${kind}/{id}`],
      ['DELETE', `/${kind}/x1`, `/${kind}/{id}`],
      ['POST', `/${kind}/create`, `/${kind}/create`],
    ]),
  ] as const) {
    const res = await api.call(method, url, path, { expect: 503, payload: method === 'POST' ? {} : undefined });
    assert.match((res.body as { message: string }).message, NOT_MANAGER, `${method} ${url}`);
  }
  for (const [kind, path] of [
    ['swarm', '/swarm/update'],
    ['nodes', '/nodes/{id}/update'],
    ['services', '/services/{id}/update'],
    ['secrets', '/secrets/{id}/update'],
    ['configs', '/configs/{id}/update'],
  ] as const) {
    const url = kind === 'swarm' ? '/swarm/update' : `/${kind}/x1/update`;
    await api.call('POST', `${url}?version=x`, path, { payload: {}, expect: 400 });
    await api.call('POST', `${url}?version=1`, path, { payload: {}, expect: 503 });
  }
  for (const kind of ['services', 'tasks']) {
    await api.call('GET', `/${kind}/x1/logs`, `/${kind}/{id}/logs`, { expect: 400 });
    await api.call('GET', `/${kind}/x1/logs?stdout=1`, `/${kind}/{id}/logs`, { expect: 503 });
  }
  for (const [url, message] of [
    ['/swarm/init', /not part of a swarm/],
    ['/swarm/join', /not part of a swarm/],
    ['/swarm/leave', /^This node is not part of a swarm$/],
  ] as const) {
    const res = await api.call('POST', url, url, { payload: {}, expect: 503 });
    assert.match((res.body as { message: string }).message, message, url);
  }
});

test('plugins: none installed (empty list, not found by name, installing refused); image search', async () => {
  const list = await api.call('GET', '/plugins', '/plugins', { expect: 200 });
  assert.deepEqual(list.body, []);
  await api.call('GET', '/plugins?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D', '/plugins', { expect: 400 });
  await api.call('GET', '/plugins/privileges?remote=x', '/plugins/privileges', { expect: 501 });
  await api.call('POST', '/plugins/pull?remote=x', '/plugins/pull', { payload: [], expect: 501 });
  await api.call('POST', '/plugins/create?name=x', '/plugins/create', { payload: 'x', headers: TAR, expect: 501 });
  const missing = await api.call('GET', '/plugins/reg.example/p:1/json', '/plugins/{name}/json', { expect: 404 });
  assert.deepEqual(missing.body, { message: 'plugin "reg.example/p:1" not found' });
  await api.call('DELETE', '/plugins/p', '/plugins/{name}', { expect: 404 });
  for (const action of ['enable', 'disable', 'push'])
    await api.call('POST', `/plugins/p/${action}`, `/plugins/{name}/${action}`, { expect: 404 });
  await api.call('POST', '/plugins/p/upgrade?remote=x', '/plugins/{name}/upgrade', { payload: [], expect: 404 });
  await api.call('POST', '/plugins/p/set', '/plugins/{name}/set', { payload: [], expect: 404 });
  const found = await api.call('GET', '/images/search?term=localhost:5999/contract', '/images/search', { expect: 200 });
  assert.deepEqual(found.body, []); // the offline registry client knows no repositories
  await api.call('GET', '/images/search?term=x&limit=0', '/images/search', { expect: 400 });
  await api.call('GET', '/images/search?term=x&filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D', '/images/search', {
    expect: 400,
  });
});

/** Routes whose success the fakes cannot produce, with why; their refusals are still checked above. */
const NO_SUCCESS_IN_PROCESS: Record<string, string> = {
  'GET /containers/:id/changes': 'needs an overlay upper dir (the in-memory snapshotter has none)',
  'POST /commit': 'needs an overlay upper dir (the in-memory snapshotter has none)',
  'GET /containers/:id/attach/ws': 'a websocket upgrade, which inject cannot make',
  'GET /plugins/privileges': 'berth installs no plugins (501, as an option it cannot honour)',
  'POST /plugins/pull': 'berth installs no plugins (501, as an option it cannot honour)',
  'POST /plugins/create': 'berth installs no plugins (501, as an option it cannot honour)',
  'GET /plugins/*': 'no plugin is ever installed, so every name is not found',
  'DELETE /plugins/*': 'no plugin is ever installed, so every name is not found',
  'POST /plugins/*': 'no plugin is ever installed, so every name is not found',
};
/** Swarm-mode routes: berth is never part of a swarm, so Docker's answer outside swarm mode (503) is the right one. */
const SWARM_ROUTE = /^[A-Z]+ \/(swarm|nodes|services|tasks|secrets|configs)(\/|$)/;

test('every registered route was called by these tests, and answered a success', () => {
  const routes = registeredRoutes(engine.app).map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(
    routes.filter((r) => !api.covered.has(r)),
    [],
    'routes never called',
  );
  const noSuccess = routes.filter(
    (r) =>
      ![...(api.covered.get(r) ?? [])].some((s) => s < 400) && !(r in NO_SUCCESS_IN_PROCESS) && !SWARM_ROUTE.test(r),
  );
  assert.deepEqual(noSuccess, [], 'routes never answered a success');
});
