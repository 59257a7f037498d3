// Networks as Docker makes them, side by side with Docker's engine: names Docker accepts, driver options
// honoured (bridge name, icc, masquerade, MTU, host binding address, interface prefix) and shown in inspect.
import assert from 'node:assert/strict';
import { docker } from '../helpers/run.js';
import { api, bothEngines, ok, sideBySide } from './networks-sides.js';

sideBySide();

bothEngines('names Docker accepts, driver options honoured and shown, bad options refused', async (e) => {
  const spaced = await api(e, 'POST', '/v1.41/networks/create', { Name: 'test 01' });
  assert.equal(spaced.status, 201, JSON.stringify(spaced.json));
  const listed = (await ok(e, ['network', 'ls', '--format', '{{.Name}}'])).split('\n');
  assert.ok(listed.includes('test 01'));
  const blank = await api(e, 'POST', '/v1.41/networks/create', { Name: '  ' });
  assert.ok(blank.status >= 400, 'a blank name is refused');
  assert.equal(blank.json.message, 'invalid name:   ');

  const bridgeName = `bo${String(Date.now() % 1e6)}${e.name === 'berthd' ? 'b' : 'd'}`;
  const options = {
    'com.docker.network.bridge.name': bridgeName,
    'com.docker.network.bridge.enable_icc': 'false',
    'com.docker.network.bridge.enable_ip_masquerade': 'false',
    'com.docker.network.driver.mtu': '1400',
    'com.docker.network.bridge.host_binding_ipv4': '127.0.0.1',
    'com.docker.network.container_iface_prefix': 'lan',
    'example.vendor.kept': 'yes',
  };
  const created = await api(e, 'POST', '/v1.41/networks/create', { Name: 'opts', Options: options });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  assert.deepEqual(JSON.parse(await ok(e, ['network', 'inspect', '-f', '{{json .Options}}', 'opts'])), options);
  // The bridge carries the name; masquerading is off (no rule for the subnet).
  assert.match(e.onHost('ip', ['-o', 'link', 'show', 'dev', bridgeName]), new RegExp(`: ${bridgeName}:`));
  const subnet = (await ok(e, ['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Subnet}}', 'opts'])).trim();
  assert.doesNotMatch(
    e.onHost('iptables-save', ['-t', 'nat']),
    new RegExp(`-s ${subnet.replace(/\./g, '\\.')} ! -o ${bridgeName} -j MASQUERADE`),
  );

  await ok(e, ['run', '-d', '--name', 'o1', '--network', 'opts', '-p', '80', 'busybox', 'sleep', '600']);
  await ok(e, ['run', '-d', '--name', 'o2', '--network', 'opts', 'busybox', 'sleep', '600']);
  // Interface name prefix and MTU inside the container; host_binding_ipv4 is where the port went.
  assert.equal((await ok(e, ['exec', 'o1', 'cat', '/sys/class/net/lan0/mtu'])).trim(), '1400');
  assert.match(await ok(e, ['port', 'o1', '80']), /^127\.0\.0\.1:\d+\n/);
  // enable_icc=false: neighbours on the network cannot reach each other.
  const o2ip = (await ok(e, ['inspect', '-f', '{{.NetworkSettings.Networks.opts.IPAddress}}', 'o2'])).trim();
  const ping = await docker(e.env, ['exec', 'o1', 'ping', '-c', '1', '-W', '1', o2ip]);
  assert.notEqual(ping.code, 0, 'icc=false drops traffic between containers');

  const badBool = await api(e, 'POST', '/v1.41/networks/create', {
    Name: 'bad1',
    Options: { 'com.docker.network.bridge.enable_icc': 'maybe' },
  });
  assert.match(String(badBool.json.message), /failed to parse com\.docker\.network\.bridge\.enable_icc value: maybe/);
  const badMtu = await api(e, 'POST', '/v1.41/networks/create', {
    Name: 'bad2',
    Options: { 'com.docker.network.driver.mtu': 'abc' },
  });
  assert.match(String(badMtu.json.message), /failed to parse com\.docker\.network\.driver\.mtu value: abc/);
  const sameBridge = await api(e, 'POST', '/v1.41/networks/create', {
    Name: 'bad3',
    Options: { 'com.docker.network.bridge.name': bridgeName },
  });
  assert.equal(sameBridge.status, 403);
  assert.match(String(sameBridge.json.message), /networks have same bridge name/);
  const left = (await ok(e, ['network', 'ls', '--format', '{{.Name}}'])).split('\n');
  assert.ok(!left.some((n) => n.startsWith('bad')), 'refused creates leave nothing');

  await ok(e, ['rm', '-f', 'o1', 'o2']);
  await ok(e, ['network', 'rm', 'opts', 'test 01']);
  assert.throws(() => e.onHost('ip', ['link', 'show', 'dev', bridgeName]), 'the bridge goes with the network');
});

bothEngines(
  'CheckDuplicate before API 1.44: a second network of a name when asked; its name is then ambiguous',
  async (e) => {
    const first = await api(e, 'POST', '/v1.41/networks/create', { Name: 'dup', CheckDuplicate: true });
    assert.equal(first.status, 201, JSON.stringify(first.json));
    const refused = await api(e, 'POST', '/v1.41/networks/create', { Name: 'dup', CheckDuplicate: true });
    assert.equal(refused.status, 409);
    assert.equal(refused.json.message, 'network with name dup already exists');
    const second = await api(e, 'POST', '/v1.41/networks/create', { Name: 'dup', CheckDuplicate: false });
    assert.equal(second.status, 201, JSON.stringify(second.json));
    assert.equal(second.json.Warning, `Network with name dup (id : ${String(first.json.Id)}) already exists`);
    assert.notEqual(second.json.Id, first.json.Id);
    assert.equal((await ok(e, ['network', 'ls', '-q', '--filter', 'name=^dup$'])).trim().split('\n').length, 2);

    // By name both are meant: refused with Docker's words for each use; by id each is found.
    const inspected = await api(e, 'GET', '/v1.41/networks/dup');
    assert.equal(inspected.status, 400);
    assert.equal(inspected.json.message, '2 matches found based on name: network dup is ambiguous');
    await ok(e, ['run', '-d', '--name', 'dupc', 'busybox', 'sleep', '600']);
    const connect = await api(e, 'POST', '/v1.41/networks/dup/connect', { Container: 'dupc' });
    assert.equal(connect.status, 400);
    assert.equal(connect.json.message, 'network dup is ambiguous (2 matches found on name)');
    const removed = await api(e, 'DELETE', '/v1.41/networks/dup');
    assert.equal(removed.status, 400);
    assert.equal(removed.json.message, 'network dup is ambiguous (2 matches found based on name)');
    const byId = await api(e, 'GET', `/v1.41/networks/${String(second.json.Id)}`);
    assert.equal(byId.status, 200);
    assert.equal(byId.json.Name, 'dup');

    const predefined = await api(e, 'POST', '/v1.41/networks/create', { Name: 'bridge' });
    assert.equal(predefined.status, 403);
    assert.equal(predefined.json.message, 'operation is not permitted on predefined bridge network ');
    if (e.name === 'berthd') {
      // From API 1.44 on (beyond dockerd 20.10) Docker ignores CheckDuplicate and always refuses a name in use.
      const newer = await api(e, 'POST', '/v1.44/networks/create', { Name: 'dup', CheckDuplicate: false });
      assert.equal(newer.status, 409);
      assert.equal(newer.json.message, 'network with name dup already exists');
    }
    await ok(e, ['rm', '-f', 'dupc']);
    for (const id of [first.json.Id, second.json.Id]) await ok(e, ['network', 'rm', String(id)]);
    assert.equal((await ok(e, ['network', 'ls', '-q', '--filter', 'name=^dup$'])).trim(), '');
  },
);
