// Endpoints as docker-py's own network tests use them, side by side with Docker's engine (API 1.41, as
// docker-py 5.0.3 speaks): endpoint driver options kept and shown.
import assert from 'node:assert/strict';
import { api, bothEngines, ok, sideBySide } from './networks-sides.js';

sideBySide();

const driverOptsOf = async (e: Parameters<Parameters<typeof bothEngines>[1]>[0], name: string): Promise<unknown> => {
  const r = await api(e, 'GET', `/v1.41/containers/${name}/json`);
  assert.equal(r.status, 200);
  const networks = (r.json.NetworkSettings as { Networks: Record<string, { DriverOpts: unknown }> }).Networks;
  return Object.fromEntries(Object.entries(networks).map(([n, s]) => [n, s.DriverOpts]));
};

bothEngines('endpoint DriverOpts: kept at create and connect, shown in inspect', async (e) => {
  const created = await api(e, 'POST', '/v1.41/containers/create?name=dopts', {
    Image: 'busybox',
    Cmd: ['sleep', '600'],
    HostConfig: { NetworkMode: 'bridge' },
    NetworkingConfig: { EndpointsConfig: { bridge: { DriverOpts: { 'com.docker-py.setting': 'on' } } } },
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  assert.deepEqual(await driverOptsOf(e, 'dopts'), { bridge: { 'com.docker-py.setting': 'on' } }, 'before start');
  await ok(e, ['start', 'dopts']);
  assert.deepEqual(await driverOptsOf(e, 'dopts'), { bridge: { 'com.docker-py.setting': 'on' } }, 'running');

  await ok(e, ['network', 'create', 'doptsnet']);
  const connected = await api(e, 'POST', '/v1.41/networks/doptsnet/connect', {
    Container: 'dopts',
    EndpointConfig: { DriverOpts: { a: 'b', empty: '' } },
  });
  assert.equal(connected.status, 200, JSON.stringify(connected.json));
  const plain = await api(e, 'POST', '/v1.41/containers/create?name=dplain', { Image: 'busybox' });
  assert.equal(plain.status, 201);
  assert.deepEqual(await driverOptsOf(e, 'dopts'), {
    bridge: { 'com.docker-py.setting': 'on' },
    doptsnet: { a: 'b', empty: '' },
  });
  assert.deepEqual(await driverOptsOf(e, 'dplain'), { bridge: null }, 'none given: null');

  const badType = await api(e, 'POST', '/v1.41/containers/create?name=dbad', {
    Image: 'busybox',
    NetworkingConfig: { EndpointsConfig: { bridge: { DriverOpts: { a: 1 } } } },
  });
  assert.ok(badType.status >= 400, 'a value that is not a string is refused');
  assert.match(String(badType.json.message), /DriverOpts/);
  if (e.name === 'berthd') {
    // Docker 25+ acts on these; berth cannot, so it says so rather than dropping them.
    const sysctls = await api(e, 'POST', '/v1.41/networks/doptsnet/connect', {
      Container: 'dplain',
      EndpointConfig: { DriverOpts: { 'com.docker.network.endpoint.sysctls': 'net.ipv4.conf.IFNAME.forwarding=1' } },
    });
    assert.equal(sysctls.status, 400);
    assert.match(String(sysctls.json.message), /com\.docker\.network\.endpoint\.sysctls is not supported/);
    assert.deepEqual(await driverOptsOf(e, 'dplain'), { bridge: null }, 'the refused connect changed nothing');
  }
  await ok(e, ['rm', '-f', 'dopts', 'dplain']);
  await ok(e, ['network', 'rm', 'doptsnet']);
});
