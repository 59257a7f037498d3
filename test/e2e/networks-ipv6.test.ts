// Dual-stack bridge networks side by side with Docker's engine: IPv6 addresses and gateways in inspect, AAAA
// answers from the embedded DNS, IPv6 between containers; on berthd also the ULA /64 a network gets when it
// names no subnet (newer Docker's default pool) and published ports reached over IPv6 through ip6tables, with
// every rule gone afterwards. Only ULA (fd00::/8) addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { docker } from '../helpers/run.js';
import { waitForHttp } from '../helpers/net.js';
import { api, berthOnly, bothEngines, ok, sideBySide, skip } from './networks-sides.js';

sideBySide();

const ulaHex = (): string => randomInt(0x100, 0xfff).toString(16);

bothEngines('IPv6 network: addresses and gateways in inspect, AAAA answers, IPv6 between containers', async (e) => {
  const subnet = `fd00:${ulaHex()}:${ulaHex()}::/64`;
  const prefix = subnet.replace('::/64', '');
  await ok(e, ['network', 'create', '--ipv6', '--subnet', subnet, 'six']);
  const ipam = JSON.parse(await ok(e, ['network', 'inspect', '-f', '{{json .IPAM.Config}}', 'six']));
  assert.equal(await ok(e, ['network', 'inspect', '-f', '{{.EnableIPv6}}', 'six']), 'true\n');
  assert.deepEqual(ipam[1], { Subnet: subnet });
  await ok(e, ['run', '-d', '--name', 'v6a', '--network', 'six', 'busybox', 'sleep', '600']);
  await ok(e, ['run', '-d', '--name', 'v6b', '--network', 'six', '--ip6', `${prefix}::99`, 'busybox', 'sleep', '600']);
  const a = JSON.parse(await ok(e, ['inspect', '-f', '{{json .NetworkSettings.Networks.six}}', 'v6a']));
  assert.equal(a.GlobalIPv6Address, `${prefix}::2`);
  assert.equal(a.GlobalIPv6PrefixLen, 64);
  assert.equal(a.IPv6Gateway, `${prefix}::1`);
  const b = JSON.parse(await ok(e, ['inspect', '-f', '{{json .NetworkSettings.Networks.six}}', 'v6b']));
  assert.equal(b.GlobalIPv6Address, `${prefix}::99`);
  assert.deepEqual(b.IPAMConfig, { IPv6Address: `${prefix}::99` });
  const containers = JSON.parse(await ok(e, ['network', 'inspect', '-f', '{{json .Containers}}', 'six'])) as Record<
    string,
    { Name: string; IPv6Address: string }
  >;
  assert.deepEqual(
    Object.values(containers)
      .map((c) => `${c.Name} ${c.IPv6Address}`)
      .sort(),
    [`v6a ${prefix}::2/64`, `v6b ${prefix}::99/64`],
  );
  assert.match(await ok(e, ['exec', 'v6a', 'ip', '-6', 'route']), new RegExp(`default via ${prefix}::1 dev eth0`));
  const aaaa = await ok(e, ['exec', 'v6a', 'nslookup', '-type=AAAA', 'v6b']);
  assert.match(aaaa, new RegExp(`Address: ${prefix}::99`));
  const ping = await docker(e.env, ['exec', 'v6a', 'ping6', '-c', '1', '-W', '3', 'v6b']);
  assert.equal(ping.code, 0, ping.stdout + ping.stderr);
  // A container's own IPv6 name in /etc/hosts.
  assert.match(await ok(e, ['exec', 'v6b', 'cat', '/etc/hosts']), new RegExp(`${prefix}::99\\t`));
  const outside = await api(e, 'POST', '/v1.41/containers/create?name=bad6', {
    Image: 'busybox',
    HostConfig: { NetworkMode: 'six' },
    NetworkingConfig: { EndpointsConfig: { six: { IPAMConfig: { IPv6Address: 'fd00:ffff::1' } } } },
  });
  if (e.name === 'berthd') {
    assert.equal(outside.status, 400);
    assert.equal(outside.json.message, 'no configured subnet or ip-range contain the IP address fd00:ffff::1');
  }
  await ok(e, ['rm', '-f', 'v6a', 'v6b', ...(outside.status === 201 ? ['bad6'] : [])]);
  await ok(e, ['network', 'rm', 'six']);
});

test(
  'berthd: --ipv6 without a subnet takes a ULA /64; ports published over IPv6 via ip6tables; rules go with the network',
  { skip },
  async () => {
    const e = berthOnly();
    await ok(e, ['network', 'create', '--ipv6', 'ula']);
    const ipam = JSON.parse(await ok(e, ['network', 'inspect', '-f', '{{json .IPAM.Config}}', 'ula'])) as {
      Subnet: string;
      Gateway: string;
    }[];
    const v6 = ipam[1];
    assert.ok(v6, JSON.stringify(ipam));
    assert.match(v6.Subnet, /^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/64$/);
    assert.equal(v6.Gateway, v6.Subnet.replace('/64', '1'));
    // A second one gets the next /64 of the daemon's pool.
    await ok(e, ['network', 'create', '--ipv6', 'ula2']);
    const second = JSON.parse(await ok(e, ['network', 'inspect', '-f', '{{json .IPAM.Config}}', 'ula2']))[1] as {
      Subnet: string;
    };
    assert.notEqual(second.Subnet, v6.Subnet);
    await ok(e, ['network', 'rm', 'ula2']);

    await ok(e, [
      'run',
      '-d',
      '--name',
      'web6',
      '--network',
      'ula',
      '-p',
      '80',
      'busybox',
      'sh',
      '-c',
      'mkdir /www && echo hello six > /www/index.html && httpd -f -p 80 -h /www',
    ]);
    const ports = JSON.parse(await ok(e, ['inspect', '-f', '{{json .NetworkSettings.Ports}}', 'web6']))['80/tcp'] as {
      HostIp: string;
      HostPort: string;
    }[];
    assert.deepEqual(
      ports.map((p) => p.HostIp),
      ['0.0.0.0', '::'],
    );
    const hostPort = ports[0]?.HostPort ?? '';
    const rules = execFileSync('ip6tables-save', ['-t', 'nat'], { encoding: 'utf8' });
    const ip6 = (await ok(e, ['inspect', '-f', '{{.NetworkSettings.Networks.ula.GlobalIPv6Address}}', 'web6'])).trim();
    assert.match(rules, new RegExp(`--dport ${hostPort} -j DNAT --to-destination \\[${ip6}\\]:80`));
    // From the host to its own address on the bridge (the IPv6 gateway): DNAT to the container over IPv6.
    assert.equal(await waitForHttp(`http://[${v6.Gateway}]:${hostPort}/`), 'hello six\n');
    await ok(e, ['rm', '-f', 'web6']);
    await ok(e, ['network', 'rm', 'ula']);
    const left = execFileSync('ip6tables-save', { encoding: 'utf8' });
    assert.doesNotMatch(
      left,
      new RegExp(`${v6.Subnet.replace('::/64', '')}|${ip6}`),
      'no IPv6 rule of the network is left',
    );
  },
);
