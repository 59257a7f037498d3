// NetworkHost with iproute2 and iptables: Linux bridges, veth pairs into network namespaces that are
// bind-mounted at files under <exec-root>/netns (so they outlive the daemon with the container), and the
// daemon's own iptables chains. Every name here comes from the daemon's config, so daemons side by side
// (tests, benches) never touch each other's bridges, namespaces or rules.
import { access, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { InterfaceSpec, NetworkHost } from '../../core/networks/network-host.js';
import type { PortMapping } from '../../core/networks/network-record.js';
import {
  jumpRules,
  ruleset,
  ruleset6,
  chainNames,
  type RuleNetwork,
  type RulePort,
} from '../../core/networks/nat-rules.js';
import { conflict } from '../../core/errdefs.js';
import { runTool } from './run-tool.js';
import type { PortReservations } from './port-reservations.js';
import { bindHostPort, closeHostPortSocket } from './host-port-socket.js';
import { unmount } from '../../lib/mount.js';

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

export const bridgeHostConfigSchema = z
  .object({
    /** Where namespace files live: <exec-root>/netns. */
    netnsDir: z.string(),
    /** Prefix of the daemon's iptables chains (at most 20 characters: chain names are limited to 28). */
    chainPrefix: z.string().regex(/^[A-Za-z0-9_.-]{1,20}$/),
    /** false: no iptables rules at all (dockerd's --iptables=false). */
    iptables: z.boolean().default(true),
  })
  .strict();
export type BridgeHostConfig = z.input<typeof bridgeHostConfigSchema>;

/** Something beyond the namespace that must forward the published ports too (rootless: rootlesskit). */
export interface PortForwarder {
  sync(ports: RulePort[]): Promise<void>;
  /** The ports as the rules in berth's namespace must match them (rootless: where rootlesskit connects). */
  inside(ports: RulePort[]): RulePort[];
}

export class BridgeHost implements NetworkHost {
  private readonly config: z.output<typeof bridgeHostConfigSchema>;
  private readonly forwarder: PortForwarder | undefined;
  private readonly reservations: PortReservations | undefined;
  /** Serialises rule applies: each replaces the whole set. */
  private rulesChain: Promise<void> = Promise.resolve();

  /** `reservations`: the host sockets holding published ports (rootful; rootless, rootlesskit holds them). */
  constructor(config: BridgeHostConfig, forwarder?: PortForwarder, reservations?: PortReservations) {
    this.config = bridgeHostConfigSchema.parse(config);
    this.forwarder = forwarder;
    this.reservations = reservations;
  }

  async ensureBridge(name: string, gatewayCidr: string, mtu: number, gateway6Cidr?: string): Promise<void> {
    const exists = await runTool('ip', ['-o', 'link', 'show', 'dev', name], { allowFail: true });
    if (!exists.stdout.trim()) await runTool('ip', ['link', 'add', 'name', name, 'type', 'bridge']);
    const addrs = await runTool('ip', ['-o', '-4', 'addr', 'show', 'dev', name]);
    if (!addrs.stdout.includes(` ${gatewayCidr} `)) await runTool('ip', ['addr', 'replace', gatewayCidr, 'dev', name]);
    if (gateway6Cidr) {
      await writeFile(`/proc/sys/net/ipv6/conf/${name}/disable_ipv6`, '0').catch(() => undefined);
      // nodad: the gateway answers at once (duplicate detection would hold it "tentative" for a second).
      await runTool('ip', ['-6', 'addr', 'replace', gateway6Cidr, 'dev', name, 'nodad']);
      await writeFile('/proc/sys/net/ipv6/conf/all/forwarding', '1').catch(() => undefined);
    }
    await runTool('ip', ['link', 'set', 'dev', name, 'mtu', String(mtu), 'up']);
    // Published ports on 127.0.0.1 are DNATed to the container: the kernel must route loopback sources here.
    await writeFile(`/proc/sys/net/ipv4/conf/${name}/route_localnet`, '1').catch(() => undefined);
  }

  async removeBridge(name: string, ownAddress?: string): Promise<void> {
    if (ownAddress) {
      await runTool('ip', ['addr', 'del', ownAddress, 'dev', name], { allowFail: true });
      const addrs = await runTool('ip', ['-o', '-4', 'addr', 'show', 'dev', name], { allowFail: true });
      const ports = await runTool('ip', ['-o', 'link', 'show', 'master', name], { allowFail: true });
      if (addrs.stdout.trim() || ports.stdout.trim()) return;
    }
    await runTool('ip', ['link', 'del', 'dev', name], { allowFail: true });
  }

  async hostRoutes(ownBridges: string[]): Promise<string[]> {
    const { stdout } = await runTool('ip', ['-o', '-4', 'route', 'show', 'table', 'all']);
    const out: string[] = [];
    for (const line of stdout.split('\n')) {
      const words = line.trim().split(/\s+/);
      const dev = words[words.indexOf('dev') + 1];
      let dest = words[0] === 'local' || words[0] === 'broadcast' ? words[1] : words[0];
      if (!dest || dest === 'default' || (dev && ownBridges.includes(dev)) || dev === 'lo') continue;
      if (!dest.includes('/')) dest = `${dest}/32`;
      if (/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(dest)) out.push(dest);
    }
    return out;
  }

  async hostRoutes6(): Promise<string[]> {
    const { stdout } = await runTool('ip', ['-o', '-6', 'route', 'show', 'table', 'all'], { allowFail: true });
    const out: string[] = [];
    for (const line of stdout.split('\n')) {
      const words = line.trim().split(/\s+/);
      let dest =
        words[0] === 'local' || words[0] === 'anycast' || words[0] === 'multicast' || words[0] === 'unreachable'
          ? words[1]
          : words[0];
      if (
        !dest ||
        dest === 'default' ||
        words[0] === 'multicast' ||
        /^f[ef][0-9a-f]{2}:/i.test(dest) ||
        dest.startsWith('::1')
      )
        continue;
      if (!dest.includes('/')) dest = `${dest}/128`;
      if (dest.includes(':')) out.push(dest);
    }
    return out;
  }

  netnsPath(containerId: string): string {
    return join(this.config.netnsDir, containerId);
  }

  async createNetns(containerId: string): Promise<string> {
    const path = this.netnsPath(containerId);
    await mkdir(this.config.netnsDir, { recursive: true, mode: 0o700 });
    await this.removeNetns(containerId);
    await writeFile(path, '', { mode: 0o600 });
    await runTool('unshare', [`--net=${path}`, 'ip', 'link', 'set', 'lo', 'up']);
    return path;
  }

  async listNetns(): Promise<string[]> {
    return readdir(this.config.netnsDir).catch(() => []);
  }

  async removeNetns(containerId: string): Promise<void> {
    const path = this.netnsPath(containerId);
    // No file, no mount: a mount point cannot be unlinked while mounted. Spares an umount process per removal of
    // a container that never had a namespace of berth's (--network none, never started).
    if (!(await exists(path))) return;
    await unmount(path, { lazy: true }).catch(() => undefined);
    await rm(path, { force: true });
  }

  async addInterface(netnsPath: string, spec: InterfaceSpec): Promise<void> {
    // One ip process on the host side: the veth pair (its peer straight into the namespace), then onto the bridge.
    const hostSide =
      `link add ${spec.hostIfName} mtu ${spec.mtu} type veth peer name ${spec.ifName} mtu ${spec.mtu} ` +
      `address ${spec.mac} netns ${netnsPath}\nlink set dev ${spec.hostIfName} master ${spec.bridge} up\n`;
    try {
      try {
        await runTool('ip', ['-batch', '-'], { input: hostSide });
      } catch (err) {
        // A veth of that name left by a crash: removed, then made again (checking first cost every start a process).
        if (!/exists/i.test((err as Error).message)) throw err;
        await this.removeInterface(spec.hostIfName);
        await runTool('ip', ['-batch', '-'], { input: hostSide });
      }
      const inside = [`addr add ${spec.ip}/${spec.prefix} dev ${spec.ifName}`];
      for (const cidr of spec.extraAddresses ?? [])
        inside.push(`addr add ${cidr} dev ${spec.ifName}${cidr.includes(':') ? ' nodad' : ''}`);
      if (spec.ip6) inside.push(`addr add ${spec.ip6.cidr} dev ${spec.ifName} nodad`);
      inside.push(`link set dev ${spec.ifName} up`);
      if (spec.gateway) inside.push(`route replace default via ${spec.gateway} dev ${spec.ifName}`);
      if (spec.ip6?.gateway) inside.push(`route replace default via ${spec.ip6.gateway} dev ${spec.ifName}`);
      await runTool('nsenter', [`--net=${netnsPath}`, 'ip', '-batch', '-'], { input: `${inside.join('\n')}\n` });
    } catch (err) {
      await this.removeInterface(spec.hostIfName);
      throw err;
    }
  }

  async setDefaultRoutes(
    netnsPath: string,
    to: { ifName: string; gateway: string; gateway6?: string } | undefined,
  ): Promise<void> {
    const ns = `--net=${netnsPath}`;
    // -force: a default route that is not there (no IPv6 one) does not stop the batch, nor is it an error.
    await runTool('nsenter', [ns, 'ip', '-force', '-batch', '-'], {
      input: 'route del default\nroute del ::/0\n',
      allowFail: true,
    });
    const add = to ? [`route replace default via ${to.gateway} dev ${to.ifName}`] : [];
    if (to?.gateway6) add.push(`route replace default via ${to.gateway6} dev ${to.ifName}`);
    if (add.length > 0) await runTool('nsenter', [ns, 'ip', '-batch', '-'], { input: `${add.join('\n')}\n` });
  }

  async removeInterface(hostIfName: string): Promise<void> {
    await runTool('ip', ['link', 'del', 'dev', hostIfName], { allowFail: true });
  }

  applyRules(networks: RuleNetwork[], ports: RulePort[]): Promise<void> {
    const next = this.rulesChain.then(() => this.applyRulesNow(networks, ports));
    this.rulesChain = next.catch(() => undefined);
    return next;
  }

  private async applyRulesNow(networks: RuleNetwork[], ports: RulePort[]): Promise<void> {
    await this.installRules(networks, this.forwarder ? this.forwarder.inside(ports) : ports);
    await this.forwarder?.sync(ports);
    await this.reservations?.sync(ports);
  }

  private async installRules(networks: RuleNetwork[], ports: RulePort[]): Promise<void> {
    if (!this.config.iptables) return;
    const prefix = this.config.chainPrefix;
    if (networks.length === 0) {
      await this.removeRules('iptables');
      return this.removeRules('ip6tables');
    }
    const { nat, filter } = ruleset(prefix, networks, ports);
    await this.install('iptables', nat + filter);
    if (networks.some((n) => n.subnet6)) {
      const v6 = ruleset6(prefix, networks, ports);
      await this.install('ip6tables', v6.nat + v6.filter);
    } else await this.removeRules('ip6tables');
  }

  private async install(tool: 'iptables' | 'ip6tables', rules: string): Promise<void> {
    const prefix = this.config.chainPrefix;
    await runTool(`${tool}-restore`, ['-w', '--noflush'], { input: rules });
    // The jumps into the daemon's chains, read in one listing of every table (a check per jump cost 4 processes per
    // apply); one the listing does not show is checked the precise way before it is inserted, so a listing worded
    // differently from the rule never doubles a jump.
    const listed = await runTool(`${tool}-save`, [], { allowFail: true });
    const present = savedRules(listed.stdout);
    for (const [table, chain, args] of jumpRules(prefix)) {
      if (present.has(`${table} -A ${chain} ${args.join(' ')}`)) continue;
      const check = await runTool(tool, ['-w', '-t', table, '-C', chain, ...args], { allowFail: true });
      if (check.stderr.trim()) await runTool(tool, ['-w', '-t', table, '-I', chain, '1', ...args]);
    }
  }

  /** Removes the jumps, then the daemon's chains. */
  private async removeRules(tool: 'iptables' | 'ip6tables'): Promise<void> {
    const prefix = this.config.chainPrefix;
    const installed = await runTool(tool, ['-w', '-t', 'filter', '-n', '-L', chainNames(prefix).forward], {
      allowFail: true,
    });
    if (installed.stderr.trim()) return;
    for (const [table, chain, args] of jumpRules(prefix)) {
      for (let i = 0; i < 8; i++) {
        const gone = await runTool(tool, ['-w', '-t', table, '-D', chain, ...args], { allowFail: true });
        if (gone.stderr.trim()) break;
      }
    }
    const c = chainNames(prefix);
    for (const [table, chain] of [
      ['nat', c.dnat],
      ['nat', c.post],
      ['filter', c.forward],
    ] as const) {
      await runTool(tool, ['-w', '-t', table, '-F', chain], { allowFail: true });
      await runTool(tool, ['-w', '-t', table, '-X', chain], { allowFail: true });
    }
  }

  async checkPortFree(m: PortMapping): Promise<void> {
    // Held by berthd for a mapping on its way out (the caller has checked no other container publishes it).
    if (this.reservations?.holds(m)) return;
    const host = m.hostIp || '0.0.0.0';
    try {
      if (m.proto === 'udp' || m.proto === 'tcp') await bindAndRelease(m.proto, host, m.hostPort);
    } catch (err) {
      const code = (err as { code?: string }).code;
      // Rootless: berthd binds in rootlesskit's namespace, which has none of the host's own addresses; rootlesskit
      // binds the host side when the port is published, and the start fails there if it is taken.
      if (code === 'EADDRNOTAVAIL' && this.forwarder) return;
      const why =
        code === 'EADDRINUSE'
          ? 'bind: address already in use'
          : code === 'EADDRNOTAVAIL'
            ? 'bind: cannot assign requested address'
            : (err as Error).message;
      throw conflict(`failed to bind host port for ${host}:${m.hostPort}:${m.proto}: ${why}`, err);
    }
  }

  async freePort(proto: PortMapping['proto'], hostIp: string): Promise<number> {
    return bindAndRelease(proto === 'udp' ? 'udp' : 'tcp', hostIp || '0.0.0.0', 0);
  }
}

/** The rules of an iptables-save listing as "<table> -A <chain> <args>". */
function savedRules(listing: string): Set<string> {
  const out = new Set<string>();
  let table = '';
  for (const line of listing.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    else if (line.startsWith('-A ')) out.add(`${table} ${line.trim()}`);
  }
  return out;
}

/** Binds and releases at once: proves the port free now (DNAT then takes it before any socket would). */
async function bindAndRelease(proto: 'tcp' | 'udp', host: string, port: number): Promise<number> {
  const bound = await bindHostPort(proto, host, port);
  await closeHostPortSocket(bound.socket);
  return bound.port;
}
