// Networking end to end: a daemon with a bridge and subnet of its own, containers finding each other by name
// through berth's DNS, published ports on loopback and on the host's own address, bad input with Docker's
// messages, live restore of rules, and nothing left behind. Driven by the real docker CLI and by berth.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { berth, docker } from '../helpers/run.js';
import { waitForEventLines } from '../helpers/events.js';
import {
  fakeUpstream,
  freePort,
  holdPort,
  hostAddress,
  listenError,
  hostFootprint,
  scrubHost,
  uniqueNetConfig,
  waitForHttp,
  type NetConfig,
} from '../helpers/net.js';

const skip = !isRoot() && 'needs root';
let net: NetConfig;
let work: string;
let upstream: Awaited<ReturnType<typeof fakeUpstream>>;

// The daemon gets a bridge and subnet of its own, and an upstream DNS server the file starts first.
const daemon = useDaemon(skip, {
  start: async () => {
    work = mkdtempSync(join(tmpdir(), 'berth-net-'));
    mkdirSync(join(work, 'www'));
    writeFileSync(join(work, 'www', 'index.html'), 'hello from web\n');
    upstream = await fakeUpstream(work);
    net = uniqueNetConfig(upstream.resolvConf);
    return { extraArgs: net.args };
  },
});
after(async () => {
  if (skip) return;
  scrubHost(net, daemon.execRoot);
  await upstream.close();
  rmSync(work, { recursive: true, force: true });
});

test(
  'docker CLI: names on a user network, ports on loopback and the host address, port and ps, nothing left',
  { skip },
  async () => {
    const before = hostFootprint(net, daemon.execRoot);
    const env = daemon.env;
    assert.equal((await docker(env, ['network', 'create', 'app'])).code, 0);
    const [loopPort, hostPort] = [await freePort(), await freePort()];
    const run = await docker(env, [
      'run',
      '-d',
      '--name',
      'web',
      '--network',
      'app',
      '--network-alias',
      'www',
      '-v',
      `${work}/www:/www`,
      '-p',
      `127.0.0.1:${loopPort}:80`,
      '-p',
      `${hostPort}:80`,
      'busybox',
      'httpd',
      '-f',
      '-p',
      '80',
      '-h',
      '/www',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await waitForHttp(`http://127.0.0.1:${loopPort}/`), 'hello from web\n');
    assert.equal(await waitForHttp(`http://${hostAddress()}:${hostPort}/`), 'hello from web\n');

    // By name, by alias, and other names through the host's resolvers (here a fake upstream on loopback).
    const names = await docker(env, [
      ...['run', '--rm', '--network', 'app', 'busybox', 'sh', '-c'],
      'wget -qO- http://web/ && wget -qO- http://www/ && nslookup upstream.test',
    ]);
    assert.match(names.stdout, /^hello from web\nhello from web\n[^]*10\.99\.99\.7/, names.stderr);
    // The default bridge: an address and a route via berth's bridge, but no names (as in Docker).
    const onBridge = await docker(env, ['run', '--rm', 'busybox', 'ip', '-o', '-4', 'addr', 'show', 'eth0']);
    assert.match(onBridge.stdout, new RegExp(`inet 10\\.${net.octet}\\.255\\.\\d+/24`));

    const port = await docker(env, ['port', 'web']);
    assert.equal(port.stdout, `80/tcp -> 0.0.0.0:${hostPort}\n80/tcp -> 127.0.0.1:${loopPort}\n`);
    const ps = await docker(env, ['ps', '--format', '{{.Names}} {{.Ports}}']);
    assert.match(ps.stdout, new RegExp(`web 0\\.0\\.0\\.0:${hostPort}->80/tcp, 127\\.0\\.0\\.1:${loopPort}->80/tcp`));
    const inspect = JSON.parse((await docker(env, ['inspect', 'web'])).stdout)[0];
    assert.match(inspect.NetworkSettings.Networks.app.IPAddress, new RegExp(`^10\\.${net.octet}\\.`));
    assert.deepEqual(inspect.NetworkSettings.Networks.app.Aliases, ['www']);
    assert.deepEqual(inspect.NetworkSettings.Ports['80/tcp'], [
      { HostIp: '127.0.0.1', HostPort: String(loopPort) },
      { HostIp: '0.0.0.0', HostPort: String(hostPort) },
    ]);
    const netInspect = JSON.parse((await docker(env, ['network', 'inspect', 'app'])).stdout)[0];
    assert.equal(Object.values(netInspect.Containers as Record<string, { Name: string }>)[0]?.Name, 'web');

    // Published ports are held while published, as Docker's proxy holds them: a program binding one is told so,
    // instead of getting a socket that never receives a connection (the DNAT rule takes them first).
    assert.equal(await listenError('127.0.0.1', loopPort), 'EADDRINUSE');
    assert.equal(await listenError('0.0.0.0', hostPort), 'EADDRINUSE');

    // Containers with published ports starting at once, on both networks: every one's DNAT rule is in (they
    // share iptables applies), with its own address; removed at once (web too), no rule is left.
    const many = await Promise.all(
      ['bridge', 'app', 'bridge'].map(async (network, i) => {
        const port = await freePort();
        const r = await docker(env, [
          ...['run', '-d', '--name', `many${i}`, '--network', network, '-p', `127.0.0.1:${port}:80`],
          ...['busybox', 'sleep', '600'],
        ]);
        assert.equal(r.code, 0, r.stderr);
        return { name: `many${i}`, port };
      }),
    );
    const addresses = (
      await docker(env, [
        'inspect',
        '-f',
        '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}',
        ...many.map((m) => m.name),
      ])
    ).stdout.split('\n');
    const dnat = execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' });
    many.forEach(({ port }, i) => {
      const rule = `--dport ${port} -j DNAT --to-destination ${addresses[i]}:80`;
      assert.ok(dnat.includes(rule), `${rule} in\n${dnat}`);
    });
    assert.equal(new Set(addresses.slice(0, many.length)).size, many.length, 'one address each');
    const removed = await Promise.all(['web', ...many.map((m) => m.name)].map((n) => docker(env, ['rm', '-f', n])));
    assert.deepEqual(
      removed.map((r) => r.code),
      [0, 0, 0, 0],
    );
    assert.equal(await listenError('127.0.0.1', loopPort), undefined);
    assert.equal((await docker(env, ['network', 'rm', 'app'])).stdout, 'app\n');
    assert.deepEqual(hostFootprint(net, daemon.execRoot), before);
  },
);

test(
  'bad input: overlap, network in use, port taken, invalid spec, name clash: Docker messages, nothing half-made',
  { skip },
  async () => {
    const env = daemon.env;
    const before = hostFootprint(net, daemon.execRoot);
    assert.equal((await docker(env, ['network', 'create', '--subnet', `10.${net.octet}.100.0/24`, 'fixed'])).code, 0);
    const overlap = await docker(env, ['network', 'create', '--subnet', `10.${net.octet}.100.0/25`, 'other']);
    assert.equal(overlap.code, 1);
    assert.match(overlap.stderr, /Error response from daemon: .*Pool overlaps with other one on this address space/);
    const clash = await docker(env, ['network', 'create', 'fixed']);
    assert.match(clash.stderr, /Error response from daemon: network with name fixed already exists/);

    assert.equal(
      (
        await docker(env, [
          'run',
          '-d',
          '--name',
          'user',
          '--network',
          'fixed',
          '--ip',
          `10.${net.octet}.100.50`,
          'busybox',
          'sleep',
          '600',
        ])
      ).code,
      0,
    );
    const inUse = await docker(env, ['network', 'rm', 'fixed']);
    assert.equal(inUse.code, 1);
    assert.match(
      inUse.stderr,
      /Error response from daemon: error while removing network: network fixed id [0-9a-f]{64} has active endpoints/,
    );
    const ip = (
      await docker(env, ['inspect', '-f', '{{.NetworkSettings.Networks.fixed.IPAddress}}', 'user'])
    ).stdout.trim();
    assert.equal(ip, `10.${net.octet}.100.50`);

    const held = await holdPort();
    try {
      const taken = await docker(env, [
        'run',
        '-d',
        '--name',
        'clash',
        '-p',
        `${held.port}:80`,
        'busybox',
        'sleep',
        '600',
      ]);
      assert.equal(taken.code, 125);
      assert.match(
        taken.stderr,
        new RegExp(
          `driver failed programming external connectivity on endpoint clash .*${held.port}.*address already in use`,
        ),
      );
      assert.equal((await docker(env, ['inspect', '-f', '{{.State.Running}}', 'clash'])).stdout.trim(), 'false');
    } finally {
      await new Promise((r) => held.server.close(r));
    }
    const invalid = await docker(env, ['run', '-d', '-p', 'abc', 'busybox', 'true']);
    assert.equal(invalid.code, 125);
    assert.match(invalid.stderr, /invalid containerPort: abc/);
    const viaApi = await berth(env, ['run', '-d', '-p', '99999:80', 'busybox', 'true']);
    assert.equal(viaApi.code, 125);
    assert.match(viaApi.stderr, /invalid hostPort: 99999/);

    assert.equal((await docker(env, ['rm', '-f', 'user', 'clash'])).code, 0);
    assert.equal((await docker(env, ['network', 'rm', 'fixed'])).code, 0);
    assert.deepEqual(hostFootprint(net, daemon.execRoot), before);
  },
);

test(
  'berth CLI: network verbs, run -p/-P, connect and disconnect a running container, ps ports',
  { skip },
  async () => {
    const env = daemon.env;
    const before = hostFootprint(net, daemon.execRoot);
    const created = await berth(env, ['network', 'create', '--label', 'k=v', 'back']);
    assert.match(created.stdout, /^[0-9a-f]{64}\n$/, created.stderr);
    const ls = await berth(env, [
      'network',
      'ls',
      '--filter',
      'label=k=v',
      '--format',
      '{{.Name}} {{.Driver}} {{.Scope}}',
    ]);
    assert.equal(ls.stdout, 'back bridge local\n');
    const table = await berth(env, ['network', 'ls']);
    assert.match(
      table.stdout,
      /^NETWORK ID +NAME +DRIVER +SCOPE\n[0-9a-f]{12} +back +bridge +local\n[0-9a-f]{12} +bridge +bridge +local\n/,
    );

    const port = await freePort();
    const run = await berth(env, [
      'run',
      '-d',
      '--name',
      'srv',
      '-p',
      `127.0.0.1:${port}:80`,
      '--expose',
      '81',
      '-P',
      '-v',
      `${work}/www:/www`,
      'busybox',
      'httpd',
      '-f',
      '-p',
      '80',
      '-h',
      '/www',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await waitForHttp(`http://127.0.0.1:${port}/`), 'hello from web\n');
    const ports = JSON.parse((await berth(env, ['inspect', '-f', '{{json .NetworkSettings.Ports}}', 'srv'])).stdout);
    assert.ok(Number(ports['81/tcp']?.[0]?.HostPort) > 0, JSON.stringify(ports));
    const ps = await berth(env, ['ps', '--format', '{{.Ports}}', '--filter', 'name=srv']);
    assert.match(ps.stdout, new RegExp(`127\\.0\\.0\\.1:${port}->80/tcp`));

    assert.equal((await berth(env, ['network', 'connect', '--alias', 'api', 'back', 'srv'])).code, 0);
    const viaBack = await berth(env, ['run', '--rm', '--network', 'back', 'busybox', 'wget', '-qO-', 'http://api/']);
    assert.equal(viaBack.stdout, 'hello from web\n', viaBack.stderr);
    const rmInUse = await berth(env, ['network', 'rm', 'back']);
    assert.equal(rmInUse.code, 1);
    assert.equal((await berth(env, ['network', 'disconnect', 'back', 'srv'])).code, 0);
    const inspected = JSON.parse((await berth(env, ['network', 'inspect', 'back'])).stdout);
    assert.deepEqual(inspected[0].Containers, {});
    assert.equal((await berth(env, ['network', 'rm', 'back'])).stdout, 'back\n');
    assert.equal((await berth(env, ['rm', '-f', 'srv'])).code, 0);
    const prune = await berth(env, ['network', 'prune', '-f']);
    assert.equal(prune.code, 0);
    assert.deepEqual(hostFootprint(net, daemon.execRoot), before);
  },
);

test(
  'live restore: a published port keeps answering across a daemon crash; orphans go at start',
  { skip },
  async () => {
    const env = daemon.env;
    const port = await freePort();
    assert.equal(
      (
        await docker(env, [
          'run',
          '-d',
          '--name',
          'kept',
          '-p',
          `127.0.0.1:${port}:80`,
          '-v',
          `${work}/www:/www`,
          'busybox',
          'httpd',
          '-f',
          '-p',
          '80',
          '-h',
          '/www',
        ])
      ).code,
      0,
    );
    assert.equal((await docker(env, ['run', '-d', '--name', 'gone', 'busybox', 'sleep', '600'])).code, 0);
    await waitForHttp(`http://127.0.0.1:${port}/`);
    const gonePid = Number((await docker(env, ['inspect', '-f', '{{.State.Pid}}', 'gone'])).stdout.trim());
    await daemon.kill9();
    // While the daemon is down, one container dies: its namespace and veth must go when the daemon is back.
    process.kill(gonePid, 'SIGKILL');
    await daemon.startAgain();
    assert.equal(await waitForHttp(`http://127.0.0.1:${port}/`), 'hello from web\n');
    const waited = await docker(env, ['wait', 'gone']);
    assert.equal(waited.stdout, '137\n');
    // The exit is recorded first (wait answers), the namespace goes right after, then the `die` event: wait for it.
    await waitForEventLines(env, ['container=gone', 'event=die'], '{{.Status}}', (lines) => lines.length > 0);
    assert.equal(hostFootprint(net, daemon.execRoot).netns, 1, 'only the live container keeps a namespace');
    assert.equal((await docker(env, ['rm', '-f', 'kept', 'gone'])).code, 0);
    const fp = hostFootprint(net, daemon.execRoot);
    assert.equal(fp.netns, 0);
    assert.equal(fp.links, 1, 'only the default bridge is left');
  },
);

test(
  'modes and /etc files: container:<id>, none, host-gateway, --dns, --dns-search, --hostname',
  { skip },
  async () => {
    const env = daemon.env;
    assert.equal(
      (await docker(env, ['run', '-d', '--name', 'owner', '--hostname', 'box', 'busybox', 'sleep', '600'])).code,
      0,
    );
    const ownerIp = (await docker(env, ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'owner'])).stdout.trim();
    assert.match(ownerIp, new RegExp(`^10\\.${net.octet}\\.255\\.`));
    const shared = await docker(env, [
      'run',
      '--rm',
      '--network',
      'container:owner',
      'busybox',
      'ip',
      '-o',
      '-4',
      'addr',
      'show',
      'eth0',
    ]);
    assert.match(shared.stdout, new RegExp(`inet ${ownerIp.replace(/\./g, '\\.')}/24`), shared.stderr);
    const none = await docker(env, ['run', '--rm', '--network', 'none', 'busybox', 'ip', '-o', 'link']);
    assert.doesNotMatch(none.stdout, /eth0/);
    const etc = await docker(env, [
      'run',
      '--rm',
      '--add-host',
      'gw:host-gateway',
      '--dns',
      '10.0.0.53',
      '--dns-search',
      'example.test',
      'busybox',
      'cat',
      '/etc/hosts',
      '/etc/resolv.conf',
    ]);
    assert.match(etc.stdout, new RegExp(`10\\.${net.octet}\\.255\\.1\\tgw`), etc.stderr);
    assert.match(etc.stdout, /search example\.test\nnameserver 10\.0\.0\.53/);
    const hosts = await docker(env, ['exec', 'owner', 'cat', '/etc/hosts']);
    assert.match(hosts.stdout, new RegExp(`${ownerIp.replace(/\./g, '\\.')}\\tbox`));
    assert.equal((await docker(env, ['rm', '-f', 'owner'])).code, 0);
  },
);
