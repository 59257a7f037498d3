// Networking test helpers: a daemon with a bridge and subnet of its own, a local fake upstream DNS server,
// free ports, HTTP polling, and counts of what berth leaves on the host (links, rules, namespaces).
import { createServer, type Server } from 'node:net';
import { createSocket, type Socket } from 'node:dgram';
import { get } from 'node:http';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { reserveOctet } from './octets.js';
import { chainPrefixOf, removeDaemonChains } from './host-chains.js';

export interface NetConfig {
  bridge: string;
  /** Second octet of 10.X.0.0/16, which holds every subnet of this daemon. */
  octet: number;
  args: string[];
}

/** A bridge name, subnet and address pool no other test network uses (helpers/octets.ts). The claim on the pool
 * lasts as long as the test process. */
export function uniqueNetConfig(resolvConf: string): NetConfig {
  const { octet } = reserveOctet();
  const bridge = `bt${randomInt(0, 0xffffff).toString(16).padStart(6, '0')}`;
  return {
    bridge,
    octet,
    args: [
      `--bridge=${bridge}`,
      `--bip=10.${octet}.255.1/24`,
      `--default-address-pool=base=10.${octet}.0.0/16,size=24`,
      `--resolv-conf=${resolvConf}`,
    ],
  };
}

/** A DNS server on 127.x.y.z:53 that answers every A query with 10.99.99.<n>: the only upstream tests use. */
export async function fakeUpstream(
  dir: string,
): Promise<{ address: string; resolvConf: string; close(): Promise<void> }> {
  for (;;) {
    const address = `127.${randomInt(1, 250)}.${randomInt(1, 250)}.${randomInt(1, 250)}`;
    const socket: Socket = createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      const q = dnsPacket.decode(msg);
      const question = q.questions?.[0];
      if (!question) return;
      const answers: dnsPacket.Answer[] =
        question.type === 'A' ? [{ type: 'A', name: question.name, ttl: 5, class: 'IN', data: '10.99.99.7' }] : [];
      socket.send(
        dnsPacket.encode({
          type: 'response',
          id: q.id,
          flags: dnsPacket.RECURSION_AVAILABLE,
          questions: q.questions,
          answers,
        }),
        rinfo.port,
        rinfo.address,
      );
    });
    const ok = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(53, address, () => resolve(true));
    });
    if (!ok) continue;
    const resolvConf = join(dir, 'upstream-resolv.conf');
    writeFileSync(resolvConf, `nameserver ${address}\n`);
    return { address, resolvConf, close: () => new Promise((r) => socket.close(() => r())) };
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

export async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
  return { port: (server.address() as { port: number }).port, server };
}

/** The error code a program gets when it listens on host:port now (undefined: it could; the port is let go). */
export async function listenError(host: string, port: number): Promise<string | undefined> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  await new Promise((r) => server.close(r));
  return undefined;
}

/** The host's own first non-loopback IPv4 address. */
export function hostAddress(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  throw new Error('no non-loopback IPv4 address');
}

export function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 3000 }, (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (d: string) => (body += d))
        .on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Polls until the server answers (the container's httpd binds after start returns). */
export async function waitForHttp(url: string, deadlineMs = 15000): Promise<string> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await httpGet(url);
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** What berth leaves on the host for this daemon: its bridges (addresses in its 10.X/16) and their veths, its
 * rules (its chains, bridge names and subnets), its namespaces. Other daemons' objects are not counted, so
 * tests running side by side do not disturb the count. */
export function hostFootprint(net: NetConfig, execRoot: string): { links: number; rules: number; netns: number } {
  const addrs = execFileSync('ip', ['-o', '-4', 'addr'], { encoding: 'utf8' }).split('\n');
  const bridges = new Set([
    net.bridge,
    ...addrs.filter((l) => l.includes(` 10.${net.octet}.`)).map((l) => l.split(/\s+/)[1] ?? ''),
  ]);
  const links = execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => {
      const name = /^\d+: ([^:@]+)[@:]/.exec(l)?.[1] ?? '';
      const master = /\bmaster (\S+)/.exec(l)?.[1] ?? '';
      return bridges.has(name) || (/^vb[0-9a-f]{10}/.test(name) && bridges.has(master));
    }).length;
  const prefix = chainPrefixOf(execRoot);
  const mine = (l: string): boolean =>
    l.includes(prefix) ||
    l.includes(`10.${net.octet}.`) ||
    [...bridges].some((b) => b && new RegExp(`[ !]${b}( |$)`).test(l));
  const rules = [
    ...execFileSync('iptables-save', { encoding: 'utf8' }).split('\n'),
    ...execFileSync('ip6tables-save', { encoding: 'utf8' }).split('\n'),
  ].filter(mine).length;
  const dir = join(execRoot, 'netns');
  const netns = existsSync(dir) ? readdirSync(dir).length : 0;
  return { links, rules, netns };
}

/** After the daemon stopped: remove its bridge and chains (IPv4 and IPv6) if a failed test left them. */
export function scrubHost(net: NetConfig, execRoot: string): void {
  execFileSync('sh', ['-c', `ip link del ${net.bridge} 2>/dev/null; true`]);
  removeDaemonChains(execRoot);
}
