// A container on several networks, side by side with Docker's engine: the default routes go via the network whose
// name sorts first (libnetwork's order), move on a connect that sorts before and on a disconnect of theirs;
// interface names count up for the sandbox's life (a reconnect gets a new one, as in Docker); /etc/hosts names
// the container's address on each network.
// Not compared: /etc/hosts after a disconnect (dockerd 20.10 drops every line naming the container; berthd the
// disconnected network's only).
import assert from 'node:assert/strict';
import { docker } from '../helpers/run.js';
import { bothEngines, ok, sideBySide, type Engine } from './networks-sides.js';

sideBySide();

interface Seen {
  /** Interface -> IPv4 address. */
  addresses: Record<string, string>;
  /** "via GATEWAY dev IFACE", or '' without one. */
  defaultRoute: string;
  /** The /etc/hosts lines that name the container. */
  ownHosts: string[];
}

async function seen(e: Engine, name: string, hostname: string): Promise<Seen> {
  const r = await docker(e.env, [
    'exec',
    name,
    'sh',
    '-c',
    'ip -o -4 addr; echo ---; ip route; echo ---; cat /etc/hosts',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const [addr = '', route = '', hosts = ''] = r.stdout.split('---\n');
  const addresses: Record<string, string> = {};
  for (const m of addr.matchAll(/^\d+: (\S+)\s+inet ([\d.]+)\//gm))
    if (m[1] !== 'lo') addresses[m[1] ?? ''] = m[2] ?? '';
  const defaultRoute = /^default (via \S+ dev \S+)/m.exec(route)?.[1] ?? '';
  const ownHosts = hosts.split('\n').filter((l) => l.endsWith(`\t${hostname}`));
  return { addresses, defaultRoute, ownHosts };
}

bothEngines('several networks: default routes in Docker’s order, interface names, /etc/hosts', async (e) => {
  const net = (i: number): string => `10.${e.octet}.${30 + i}`;
  // "zz" is the network the container starts on; "aa" sorts first.
  await ok(e, ['network', 'create', '--subnet', `${net(0)}.0/24`, 'zz-multi']);
  await ok(e, ['network', 'create', '--subnet', `${net(1)}.0/24`, 'aa-multi']);
  const host = 'multibox';
  try {
    await ok(e, [
      'run',
      '-d',
      '--name',
      'multi',
      '--hostname',
      host,
      '--network',
      'zz-multi',
      'busybox',
      'sleep',
      '600',
    ]);
    assert.deepEqual(await seen(e, 'multi', host), {
      addresses: { eth0: `${net(0)}.2` },
      defaultRoute: `via ${net(0)}.1 dev eth0`,
      ownHosts: [`${net(0)}.2\t${host}`],
    });

    await ok(e, ['network', 'connect', 'aa-multi', 'multi']);
    assert.deepEqual(await seen(e, 'multi', host), {
      addresses: { eth0: `${net(0)}.2`, eth1: `${net(1)}.2` },
      defaultRoute: `via ${net(1)}.1 dev eth1`,
      ownHosts: [`${net(0)}.2\t${host}`, `${net(1)}.2\t${host}`],
    });

    await ok(e, ['network', 'disconnect', 'aa-multi', 'multi']);
    const back = await seen(e, 'multi', host);
    assert.deepEqual([back.addresses, back.defaultRoute], [{ eth0: `${net(0)}.2` }, `via ${net(0)}.1 dev eth0`]);
    // (dockerd 20.10 then drops every line that names the container, not just that network's: not compared.)

    await ok(e, ['network', 'connect', 'aa-multi', 'multi']);
    const again = await seen(e, 'multi', host);
    assert.deepEqual(
      [again.addresses, again.defaultRoute],
      [{ eth0: `${net(0)}.2`, eth2: `${net(1)}.2` }, `via ${net(1)}.1 dev eth2`],
      'a new name for the reconnected network, and the default routes with it',
    );

    await ok(e, ['network', 'disconnect', 'aa-multi', 'multi']);
    await ok(e, ['network', 'disconnect', 'zz-multi', 'multi']);
    await ok(e, ['network', 'connect', 'zz-multi', 'multi']);
    const alone = await seen(e, 'multi', host);
    assert.deepEqual([alone.addresses, alone.defaultRoute], [{ eth3: `${net(0)}.2` }, `via ${net(0)}.1 dev eth3`]);

    // Both networks at start: eth0 and eth1 (dockerd joins user networks in Go's map order: which gets which varies),
    // the default routes via the first by name.
    await ok(e, ['create', '--name', 'multi2', '--hostname', host, '--network', 'zz-multi', 'busybox', 'sleep', '600']);
    await ok(e, ['network', 'connect', 'aa-multi', 'multi2']);
    await ok(e, ['start', 'multi2']);
    const both = await seen(e, 'multi2', host);
    assert.deepEqual(Object.keys(both.addresses).sort(), ['eth0', 'eth1']);
    assert.deepEqual(Object.values(both.addresses).sort(), [`${net(0)}.3`, `${net(1)}.2`]);
    const aaIface = Object.keys(both.addresses).find((i) => both.addresses[i] === `${net(1)}.2`);
    assert.equal(both.defaultRoute, `via ${net(1)}.1 dev ${aaIface}`);
    assert.deepEqual(both.ownHosts.sort(), [`${net(0)}.3\t${host}`, `${net(1)}.2\t${host}`]);
  } finally {
    await docker(e.env, ['rm', '-f', 'multi', 'multi2']);
    await docker(e.env, ['network', 'rm', 'zz-multi', 'aa-multi']);
  }
});
