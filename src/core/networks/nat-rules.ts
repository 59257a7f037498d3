// The daemon's whole iptables rule set as a pure function of its networks and published ports. The driver
// applies it with iptables-restore --noflush: declaring a chain flushes it, so every apply replaces the
// daemon's own chains atomically and leaves everyone else's rules alone. Chains are named from a prefix
// unique to the daemon (derived from its bridge name or exec root), so daemons side by side never collide.
import type { PortMapping } from './network-record.js';

export interface RuleNetwork {
  bridge: string;
  subnet: string;
  internal: boolean;
  masquerade: boolean;
  /** enable_icc: false drops traffic between containers of the network. */
  icc?: boolean;
  /** IPv6 networks: their subnet, for the ip6tables rule set. */
  subnet6?: string;
}

export interface RulePort {
  containerIp: string;
  /** The container's IPv6 address on an IPv6 network: ports published on every host address reach it too. */
  containerIp6?: string;
  mapping: PortMapping;
}

export interface ChainNames {
  dnat: string;
  post: string;
  forward: string;
}

export const chainNames = (prefix: string): ChainNames => ({
  dnat: `${prefix}-DNAT`,
  post: `${prefix}-POST`,
  forward: `${prefix}-FWD`,
});

/** The rules in built-in chains that lead into the daemon's own: [table, chain, rule args]. */
export function jumpRules(prefix: string): [table: 'nat' | 'filter', chain: string, args: string[]][] {
  const c = chainNames(prefix);
  return [
    ['nat', 'PREROUTING', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', c.dnat]],
    ['nat', 'OUTPUT', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', c.dnat]],
    ['nat', 'POSTROUTING', ['-j', c.post]],
    ['filter', 'FORWARD', ['-j', c.forward]],
  ];
}

export function ruleset(prefix: string, networks: RuleNetwork[], ports: RulePort[]): { nat: string; filter: string } {
  const c = chainNames(prefix);
  const nat = ['*nat', `:${c.dnat} - [0:0]`, `:${c.post} - [0:0]`];
  const filter = ['*filter', `:${c.forward} - [0:0]`];
  for (const n of networks) {
    nat.push(`-A ${c.post} -s 127.0.0.0/8 -o ${n.bridge} -j MASQUERADE`);
    if (n.masquerade && !n.internal) nat.push(`-A ${c.post} -s ${n.subnet} ! -o ${n.bridge} -j MASQUERADE`);
    filter.push(`-A ${c.forward} -i ${n.bridge} -o ${n.bridge} -j ${n.icc === false ? 'DROP' : 'ACCEPT'}`);
    if (n.internal) {
      filter.push(
        `-A ${c.forward} -i ${n.bridge} ! -o ${n.bridge} -j DROP`,
        `-A ${c.forward} -o ${n.bridge} ! -i ${n.bridge} -j DROP`,
      );
    } else {
      filter.push(`-A ${c.forward} -o ${n.bridge} -j ACCEPT`, `-A ${c.forward} -i ${n.bridge} -j ACCEPT`);
    }
  }
  for (const { containerIp, mapping: m } of ports) {
    const dst = m.hostIp ? ` -d ${m.hostIp}/32` : '';
    nat.push(
      `-A ${c.dnat}${dst} -p ${m.proto} -m ${m.proto} --dport ${m.hostPort} -j DNAT --to-destination ${containerIp}:${m.containerPort}`,
    );
    // Hairpin: a container reaching a published port of a neighbour on its own bridge gets replies via the host.
    nat.push(
      `-A ${c.post} -s ${containerIp}/32 -d ${containerIp}/32 -p ${m.proto} -m ${m.proto} --dport ${m.containerPort} -j MASQUERADE`,
    );
  }
  return { nat: `${nat.join('\n')}\nCOMMIT\n`, filter: `${filter.join('\n')}\nCOMMIT\n` };
}

/** The ip6tables twin for IPv6 networks: masquerade of their ULA subnets, forwarding, DNAT of published ports. */
export function ruleset6(prefix: string, networks: RuleNetwork[], ports: RulePort[]): { nat: string; filter: string } {
  const c = chainNames(prefix);
  const nat = ['*nat', `:${c.dnat} - [0:0]`, `:${c.post} - [0:0]`];
  const filter = ['*filter', `:${c.forward} - [0:0]`];
  for (const n of networks) {
    if (!n.subnet6) continue;
    if (n.masquerade && !n.internal) nat.push(`-A ${c.post} -s ${n.subnet6} ! -o ${n.bridge} -j MASQUERADE`);
    filter.push(`-A ${c.forward} -i ${n.bridge} -o ${n.bridge} -j ${n.icc === false ? 'DROP' : 'ACCEPT'}`);
    if (n.internal) {
      filter.push(
        `-A ${c.forward} -i ${n.bridge} ! -o ${n.bridge} -j DROP`,
        `-A ${c.forward} -o ${n.bridge} ! -i ${n.bridge} -j DROP`,
      );
    } else {
      filter.push(`-A ${c.forward} -o ${n.bridge} -j ACCEPT`, `-A ${c.forward} -i ${n.bridge} -j ACCEPT`);
    }
  }
  for (const { containerIp6, mapping: m } of ports) {
    if (!containerIp6 || m.hostIp) continue;
    nat.push(
      `-A ${c.dnat} -p ${m.proto} -m ${m.proto} --dport ${m.hostPort} -j DNAT --to-destination [${containerIp6}]:${m.containerPort}`,
    );
    nat.push(
      `-A ${c.post} -s ${containerIp6}/128 -d ${containerIp6}/128 -p ${m.proto} -m ${m.proto} --dport ${m.containerPort} -j MASQUERADE`,
    );
  }
  return { nat: `${nat.join('\n')}\nCOMMIT\n`, filter: `${filter.join('\n')}\nCOMMIT\n` };
}
