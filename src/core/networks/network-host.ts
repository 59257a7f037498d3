// The host effects networking needs, behind one interface so the engine is testable without root.
// Implemented by drivers/network-bridge with iproute2, iptables and bind-mounted network namespaces.
// Lifecycle: bridges are ensured when a network is made or at daemon start and removed with the network;
// a container's namespace is made before the runtime starts it and removed after it exits; the rule set
// is replaced as a whole whenever networks or published ports change.
import type { RuleNetwork, RulePort } from './nat-rules.js';
import type { PortMapping } from './network-record.js';

export interface InterfaceSpec {
  bridge: string;
  /** Host side of the veth. */
  hostIfName: string;
  /** Name inside the container: eth0, eth1, ... */
  ifName: string;
  ip: string;
  prefix: number;
  mac: string;
  /** Default route via this address (the first network of the container only). */
  gateway?: string;
  mtu: number;
  /** IPv6 networks: the address with its prefix, and the default route (first network only). */
  ip6?: { cidr: string; gateway?: string };
  /** IPAMConfig.LinkLocalIPs as CIDRs (IPv4 /16, IPv6 /64, as Docker). */
  extraAddresses?: string[];
}

export interface NetworkHost {
  /** Creates (or adopts) the bridge with the gateway address, up, with route_localnet for loopback ports. */
  ensureBridge(name: string, gatewayCidr: string, mtu: number, gateway6Cidr?: string): Promise<void>;
  /** Removes the bridge; with `ownAddress`, only that address while other daemons or interfaces still use it. */
  removeBridge(name: string, ownAddress?: string): Promise<void>;
  /** The subnets of the host's routes that are not on berth's bridges: new subnets must avoid them. */
  hostRoutes(ownBridges: string[]): Promise<string[]>;
  /** The host's IPv6 routes (ULA and global ones; link-local and multicast left out). */
  hostRoutes6(): Promise<string[]>;
  /** A new, empty network namespace bind-mounted at a file under the exec root; returns its path. */
  createNetns(containerId: string): Promise<string>;
  netnsPath(containerId: string): string;
  /** Ids of the namespaces on disk, for start-up cleanup. */
  listNetns(): Promise<string[]>;
  removeNetns(containerId: string): Promise<void>;
  addInterface(netnsPath: string, spec: InterfaceSpec): Promise<void>;
  /** Replaces the namespace's default routes with those via `to` (IPv4, and IPv6 when it has a gateway); none
   * when `to` is undefined. */
  setDefaultRoutes(
    netnsPath: string,
    to: { ifName: string; gateway: string; gateway6?: string } | undefined,
  ): Promise<void>;
  /** Removes the container side too (a veth pair goes as one); idempotent. */
  removeInterface(hostIfName: string): Promise<void>;
  /** Replaces the daemon's chains with this rule set; with no networks, removes the chains and jumps. */
  applyRules(networks: RuleNetwork[], ports: RulePort[]): Promise<void>;
  /** Throws when the host port cannot be bound (taken by a process). */
  checkPortFree(mapping: PortMapping): Promise<void>;
  /** A free port from the kernel's ephemeral range. */
  freePort(proto: PortMapping['proto'], hostIp: string): Promise<number>;
}

/** Container names on user-defined networks, answered by the embedded DNS server. */
export interface DnsServer {
  /** Starts answering on address:53 for one network. */
  serve(networkId: string, address: string): Promise<void>;
  stop(networkId: string): Promise<void>;
  close(): Promise<void>;
}

/** Who the DNS server asks: the addresses a name has on a network (both empty: not a container name there).
 * `asker` is the querying address: link aliases answer only the container that made the link. */
export type NameLookup = (networkId: string, name: string, asker: string) => { v4: string[]; v6: string[] };
