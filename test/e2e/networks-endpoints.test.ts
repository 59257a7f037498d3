// Endpoints as docker-py's own network tests use them, side by side with Docker's engine (API 1.41, as
// docker-py 5.0.3 speaks): endpoint driver options kept and shown; endpoint links naming a container that
// does not exist (yet): aliases the embedded DNS resolves once it does; a running container whose last network
// was disconnected keeps its namespace and is connected again (with IPAM addresses); a container's --hostname is
// answered by the network's DNS.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { docker } from '../helpers/run.js';
import { api, bothEngines, ok, sideBySide, type Engine } from './networks-sides.js';

sideBySide();

const driverOptsOf = async (e: Engine, name: string): Promise<unknown> => {
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

const linksOf = async (e: Engine, name: string): Promise<string> =>
  ok(e, ['inspect', '-f', '{{json .HostConfig.Links}} {{json .NetworkSettings.Networks}}', name]);

/** The addresses `nslookup NAME` answers inside a container (none when the name is unknown). */
const lookup = async (e: Engine, container: string, name: string): Promise<string> => {
  const r = await docker(e.env, ['exec', container, 'nslookup', name]);
  return r.stdout;
};

bothEngines(
  'endpoint Links naming a container that does not exist yet: accepted, shown, resolved once it runs',
  async (e) => {
    await ok(e, ['network', 'create', 'lnk']);
    const created = await api(e, 'POST', '/v1.41/containers/create?name=lapp', {
      Image: 'busybox',
      Cmd: ['sleep', '600'],
      HostConfig: { NetworkMode: 'lnk' },
      NetworkingConfig: { EndpointsConfig: { lnk: { Links: ['lfoo:bar'] } } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.match(await linksOf(e, 'lapp'), /^null \{"lnk":\{[^}]*"Links":\["lfoo:bar"\]/);
    await ok(e, ['start', 'lapp']);

    // Connect: kept as written, "/name:/parent/alias" and a bare name included.
    await ok(e, ['run', '-d', '--name', 'lother', 'busybox', 'sleep', '600']);
    const connected = await api(e, 'POST', '/v1.41/networks/lnk/connect', {
      Container: 'lother',
      EndpointConfig: { Links: ['lfoo:bar2', '/lfoo:/lother/bar3', 'nosuch'] },
    });
    assert.equal(connected.status, 200, JSON.stringify(connected.json));
    assert.match(await linksOf(e, 'lother'), /"lnk":\{[^}]*"Links":\["lfoo:bar2","\/lfoo:\/lother\/bar3","nosuch"\]/);

    // The linked container comes later: the aliases now answer with its address, to the linking containers.
    await ok(e, ['run', '-d', '--name', 'lfoo', '--network', 'lnk', 'busybox', 'sleep', '600']);
    const fooIp = (await ok(e, ['inspect', '-f', '{{.NetworkSettings.Networks.lnk.IPAddress}}', 'lfoo'])).trim();
    const answer = new RegExp(`Address: ${fooIp.replace(/\./g, '\\.')}`);
    assert.match(await lookup(e, 'lapp', 'bar'), answer);
    assert.match(await lookup(e, 'lother', 'bar2'), answer);
    assert.match(await lookup(e, 'lother', 'bar3'), answer);

    // --link on a user network is such an alias too: the container need not exist.
    await ok(e, ['create', '--name', 'lcli', '--network', 'lnk', '--link', 'nosuch:x', 'busybox', 'true']);
    assert.match(await linksOf(e, 'lcli'), /^null \{"lnk":\{[^}]*"Links":\["nosuch:x"\]/);
    // On the default bridge endpoint Links are kept and shown (they do nothing there); HostConfig.Links still need the container.
    const onBridge = await api(e, 'POST', '/v1.41/containers/create?name=lbr', {
      Image: 'busybox',
      Cmd: ['sleep', '600'],
      NetworkingConfig: { EndpointsConfig: { bridge: { Links: ['lfoo:bar'] } } },
    });
    assert.equal(onBridge.status, 201, JSON.stringify(onBridge.json));
    assert.match(await linksOf(e, 'lbr'), /"bridge":\{[^}]*"Links":\["lfoo:bar"\]/);
    const legacy = await docker(e.env, ['create', '--name', 'lleg', '--link', 'nosuch:x', 'busybox', 'true']);
    assert.notEqual(legacy.code, 0);
    assert.match(legacy.stderr, /could not get container for nosuch: No such container: nosuch/);

    // A malformed link is refused at a running container's connect (Docker: 500, berth: 400).
    await ok(e, ['start', 'lbr']);
    const bad = await api(e, 'POST', '/v1.41/networks/lnk/connect', {
      Container: 'lbr',
      EndpointConfig: { Links: ['a:b:c'] },
    });
    assert.ok(bad.status >= 400);
    assert.equal(bad.json.message, 'bad format for links: a:b:c');
    // Docker 20.10 leaves a half-made endpoint behind (inspect lists lnk without a gateway); berth changes nothing.
    if (e.name === 'berthd') assert.doesNotMatch(await linksOf(e, 'lbr'), /"lnk"/);
    await ok(e, ['rm', '-f', 'lapp', 'lother', 'lfoo', 'lcli', 'lbr']);
    await ok(e, ['network', 'rm', 'lnk']);
  },
);

const ulaHex = (): string => randomInt(0x100, 0xfff).toString(16);
const addressesIn = async (e: Engine, container: string): Promise<string> => ok(e, ['exec', container, 'ip', 'addr']);

bothEngines(
  'a running container with no network left keeps its namespace: connected again, with IPAM addresses',
  async (e) => {
    const x = e.octet;
    const v6 = `fd00:${ulaHex()}:${ulaHex()}`;
    await ok(e, ['network', 'create', '--subnet', `10.${x}.60.0/24`, '--ipv6', '--subnet', `${v6}::/64`, 'rnet']);
    await ok(e, ['network', 'create', '--subnet', `10.${x}.61.0/24`, 'rnet2']);
    await ok(e, ['run', '-d', '--name', 'rc', '--network', 'rnet', 'busybox', 'sleep', '600']);
    const sandbox = (await ok(e, ['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', 'rc'])).trim();
    assert.notEqual(sandbox, '');
    await ok(e, ['network', 'disconnect', 'rnet', 'rc']);
    assert.equal(await ok(e, ['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'rc']), '{}\n');
    assert.equal((await ok(e, ['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', 'rc'])).trim(), sandbox, 'kept');
    assert.doesNotMatch(await addressesIn(e, 'rc'), new RegExp(`10\\.${x}\\.60\\.`));

    // docker-py's test_connect_with_ipv4_address / test_connect_with_ipv6_address.
    const connected = await api(e, 'POST', '/v1.41/networks/rnet/connect', {
      Container: 'rc',
      EndpointConfig: { IPAMConfig: { IPv4Address: `10.${x}.60.50`, IPv6Address: `${v6}::50` } },
    });
    assert.equal(connected.status, 200, JSON.stringify(connected.json));
    const settings = JSON.parse(await ok(e, ['inspect', '-f', '{{json .NetworkSettings.Networks.rnet}}', 'rc']));
    assert.equal(settings.IPAddress, `10.${x}.60.50`);
    assert.equal(settings.GlobalIPv6Address, `${v6}::50`);
    assert.equal(settings.Gateway, `10.${x}.60.1`);
    const addresses = await addressesIn(e, 'rc');
    assert.match(addresses, new RegExp(`inet 10\\.${x}\\.60\\.50/24`));
    assert.match(addresses, new RegExp(`inet6 ${v6}::50/64`));
    assert.match(await ok(e, ['exec', 'rc', 'ip', 'route']), new RegExp(`default via 10\\.${x}\\.60\\.1 `));

    // Disconnect and connect in any order: interface names never clash, every address is there.
    await ok(e, ['network', 'connect', 'rnet2', 'rc']);
    await ok(e, ['network', 'disconnect', 'rnet', 'rc']);
    await ok(e, ['network', 'connect', 'rnet', 'rc']);
    const both = await addressesIn(e, 'rc');
    assert.match(both, new RegExp(`inet 10\\.${x}\\.60\\.\\d+/24`));
    assert.match(both, new RegExp(`inet 10\\.${x}\\.61\\.\\d+/24`));
    assert.equal((both.match(/^\d+: eth\d+@/gm) ?? []).length, 2, both);

    // Created on a network, disconnected before it ran: it starts with none and is connected while running.
    await ok(e, ['create', '--name', 'rc2', '--network', 'rnet', 'busybox', 'sleep', '600']);
    await ok(e, ['network', 'disconnect', 'rnet', 'rc2']);
    await ok(e, ['start', 'rc2']);
    await ok(e, ['network', 'connect', 'rnet', 'rc2']);
    assert.match(await addressesIn(e, 'rc2'), new RegExp(`inet 10\\.${x}\\.60\\.\\d+/24`));
    await ok(e, ['rm', '-f', 'rc', 'rc2']);
    await ok(e, ['network', 'rm', 'rnet', 'rnet2']);
  },
);

bothEngines("a container's --hostname is answered by the network's DNS to the other containers there", async (e) => {
  await ok(e, ['network', 'create', 'hnet']);
  await ok(e, [
    'run',
    '-d',
    '--name',
    'hserver',
    '--hostname',
    'hostly',
    '--network',
    'hnet',
    'busybox',
    'sleep',
    '600',
  ]);
  await ok(e, ['run', '-d', '--name', 'hclient', '--network', 'hnet', 'busybox', 'sleep', '600']);
  const ip = (await ok(e, ['inspect', '-f', '{{.NetworkSettings.Networks.hnet.IPAddress}}', 'hserver'])).trim();
  assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
  assert.match(await lookup(e, 'hclient', 'hostly'), new RegExp(`Address: ${ip.replace(/\./g, '\\.')}`));
  const ping = await docker(e.env, ['exec', 'hclient', 'ping', '-c1', '-W5', 'hostly']);
  assert.equal(ping.code, 0, ping.stdout + ping.stderr);
  assert.match(ping.stdout, new RegExp(`^PING hostly \\(${ip.replace(/\./g, '\\.')}\\)`));
  // Not on another network: a container there does not learn it.
  await ok(e, ['network', 'create', 'hnet2']);
  await ok(e, ['run', '-d', '--name', 'hother', '--network', 'hnet2', 'busybox', 'sleep', '600']);
  assert.doesNotMatch(await lookup(e, 'hother', 'hostly'), new RegExp(ip.replace(/\./g, '\\.')));
  await ok(e, ['rm', '-f', 'hserver', 'hclient', 'hother']);
  await ok(e, ['network', 'rm', 'hnet', 'hnet2']);
});
