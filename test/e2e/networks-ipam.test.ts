// Addresses as Docker gives them, side by side with Docker's engine: IPAM configs with ranges, gateways and
// auxiliary addresses; MAC addresses (Config and endpoint) and link-local addresses on create and connect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { docker } from '../helpers/run.js';
import { api, berthOnly, bothEngines, ok, sideBySide, skip } from './networks-sides.js';

sideBySide();

bothEngines(
  'IPAM: range, gateway and auxiliary addresses honoured and shown; several IPv4 subnets refused',
  async (e) => {
    const x = e.octet;
    const config = {
      Subnet: `10.${x}.50.0/24`,
      IPRange: `10.${x}.50.128/30`,
      Gateway: `10.${x}.50.254`,
      AuxiliaryAddresses: { host1: `10.${x}.50.129`, router: `10.${x}.50.5` },
    };
    const created = await api(e, 'POST', '/v1.41/networks/create', { Name: 'ipam1', IPAM: { Config: [config] } });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const ipam = JSON.parse(await ok(e, ['network', 'inspect', '-f', '{{json .IPAM.Config}}', 'ipam1']));
    assert.deepEqual(ipam, [config]);
    const ips = [];
    for (const name of ['i1', 'i2', 'i3']) {
      await ok(e, ['run', '-d', '--name', name, '--network', 'ipam1', 'busybox', 'sleep', '600']);
      ips.push(
        (
          await ok(e, [
            'inspect',
            '-f',
            '{{.NetworkSettings.Networks.ipam1.IPAddress}} {{.NetworkSettings.Networks.ipam1.Gateway}}',
            name,
          ])
        ).trim(),
      );
    }
    // .129 is auxiliary: skipped.
    assert.deepEqual(ips, [
      `10.${x}.50.128 10.${x}.50.254`,
      `10.${x}.50.130 10.${x}.50.254`,
      `10.${x}.50.131 10.${x}.50.254`,
    ]);
    const aux = await docker(e.env, ['run', '--rm', '--network', 'ipam1', '--ip', `10.${x}.50.5`, 'busybox', 'true']);
    assert.match(aux.stderr, /Address already in use/);

    const two = await api(e, 'POST', '/v1.41/networks/create', {
      Name: 'ipam2',
      IPAM: { Config: [{ Subnet: `10.${x}.51.0/24` }, { Subnet: `10.${x}.52.0/24` }] },
    });
    assert.equal(two.status, 403);
    assert.equal(two.json.message, "bridge driver doesn't support multiple subnets");
    const outside = await api(e, 'POST', '/v1.41/networks/create', {
      Name: 'ipam3',
      IPAM: { Config: [{ Subnet: `10.${x}.53.0/24`, AuxiliaryAddresses: { a: `10.${x}.54.1` } }] },
    });
    assert.equal(outside.status, 403);
    assert.equal(
      outside.json.message,
      `auxiliary address: (a:10.${x}.54.1) must belong to the master pool: 10.${x}.53.0/24`,
    );
    const plugin = await api(e, 'POST', '/v1.41/networks/create', { Name: 'ipam4', IPAM: { Driver: 'nosuch' } });
    assert.equal(plugin.status, 404);
    await ok(e, ['rm', '-f', 'i1', 'i2', 'i3']);
    await ok(e, ['network', 'rm', 'ipam1']);
  },
);

bothEngines('MAC address (Config.MacAddress) and link-local addresses on create and connect', async (e) => {
  const x = e.octet;
  await ok(e, ['network', 'create', '--subnet', `10.${x}.60.0/24`, 'mnet']);
  const created = await api(e, 'POST', '/v1.41/containers/create?name=m1', {
    Image: 'busybox',
    Cmd: ['sleep', '600'],
    MacAddress: '02:42:0a:3c:00:99',
    HostConfig: { NetworkMode: 'mnet' },
    NetworkingConfig: { EndpointsConfig: { mnet: { IPAMConfig: { LinkLocalIPs: ['169.254.10.10'] } } } },
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  await ok(e, ['start', 'm1']);
  const link = await ok(e, ['exec', 'm1', 'ip', '-o', 'addr', 'show', 'eth0']);
  assert.match(link, /inet 169\.254\.10\.10\/16/);
  assert.equal((await ok(e, ['exec', 'm1', 'cat', '/sys/class/net/eth0/address'])).trim(), '02:42:0a:3c:00:99');
  const ep = JSON.parse(await ok(e, ['inspect', '-f', '{{json .NetworkSettings.Networks.mnet}}', 'm1']));
  assert.deepEqual(ep.IPAMConfig, { LinkLocalIPs: ['169.254.10.10'] });
  assert.equal(ep.MacAddress, '02:42:0a:3c:00:99');

  await ok(e, ['run', '-d', '--name', 'm2', 'busybox', 'sleep', '600']);
  const connected = await api(e, 'POST', '/v1.41/networks/mnet/connect', {
    Container: 'm2',
    EndpointConfig: { IPAMConfig: { LinkLocalIPs: ['169.254.20.20'] } },
  });
  assert.equal(connected.status, 200, JSON.stringify(connected.json));
  assert.match(await ok(e, ['exec', 'm2', 'ip', '-o', 'addr', 'show', 'eth1']), /inet 169\.254\.20\.20\/16/);
  assert.deepEqual(
    JSON.parse(await ok(e, ['inspect', '-f', '{{json .NetworkSettings.Networks.mnet.IPAMConfig}}', 'm2'])),
    { LinkLocalIPs: ['169.254.20.20'] },
  );
  await ok(e, ['rm', '-f', 'm1', 'm2']);
  await ok(e, ['network', 'rm', 'mnet']);
});

test(
  'berthd: EndpointSettings.MacAddress on create and connect (API 1.44+), bad MAC and addresses refused',
  { skip },
  async () => {
    const e = berthOnly();
    await ok(e, ['network', 'create', 'mac2']);
    await ok(e, [
      'run',
      '-d',
      '--name',
      'mc1',
      '--network',
      'mac2',
      '--mac-address',
      '02:42:0a:00:00:42',
      'busybox',
      'sleep',
      '600',
    ]);
    assert.equal((await ok(e, ['exec', 'mc1', 'cat', '/sys/class/net/eth0/address'])).trim(), '02:42:0a:00:00:42');
    await ok(e, ['run', '-d', '--name', 'mc2', 'busybox', 'sleep', '600']);
    const connected = await api(e, 'POST', '/v1.47/networks/mac2/connect', {
      Container: 'mc2',
      EndpointConfig: { MacAddress: '02:42:0a:00:00:43' },
    });
    assert.equal(connected.status, 200);
    assert.equal((await ok(e, ['exec', 'mc2', 'cat', '/sys/class/net/eth1/address'])).trim(), '02:42:0a:00:00:43');
    const badMac = await api(e, 'POST', '/v1.47/containers/create?name=bad', {
      Image: 'busybox',
      HostConfig: { NetworkMode: 'mac2' },
      NetworkingConfig: { EndpointsConfig: { mac2: { MacAddress: 'zz' } } },
    });
    assert.equal(badMac.status, 400);
    assert.equal(badMac.json.message, 'invalid MAC address zz');
    const badLl = await api(e, 'POST', '/v1.47/containers/create?name=bad', {
      Image: 'busybox',
      HostConfig: { NetworkMode: 'mac2' },
      NetworkingConfig: { EndpointsConfig: { mac2: { IPAMConfig: { LinkLocalIPs: ['nope'] } } } },
    });
    assert.equal(badLl.status, 400);
    assert.equal(badLl.json.message, 'invalid endpoint settings:\ninvalid link-local IP address: nope');
    assert.equal((await docker(e.env, ['inspect', 'bad'])).code, 1, 'refused creates leave no container');
    await ok(e, ['rm', '-f', 'mc1', 'mc2']);
    await ok(e, ['network', 'rm', 'mac2']);
  },
);
