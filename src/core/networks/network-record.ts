// What berth keeps about a network and about each container's attachment (endpoint) to it.
// Lifecycle: a network record lives from create to remove; an endpoint from container create (or connect)
// to container remove (or disconnect). An endpoint's address and MAC are set while the container runs.

export type NetworkDriverName = 'bridge' | 'host' | 'null';

export interface NetworkRecord {
  id: string;
  name: string;
  driver: NetworkDriverName;
  /** RFC 3339 nanosecond UTC. */
  created: string;
  /** Empty for host and null networks. */
  subnet: string;
  gateway: string;
  ipRange: string;
  /** Whether the user gave the IPAM config (inspect shows IPRange/Gateway only then, as Docker). */
  userIpam: { Subnet?: string; Gateway?: string; IPRange?: string } | null;
  internal: boolean;
  attachable: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  /** The Linux bridge; empty for host and null networks. */
  bridgeName: string;
  /** The predefined `bridge` network (no DNS between containers, as in Docker). */
  isDefault: boolean;
  /** IPAM.Config[].AuxiliaryAddresses: names for addresses never given to containers. */
  auxAddresses?: Record<string, string>;
  /** IPAM.Options as given (null when absent). */
  ipamOptions?: Record<string, string> | null;
  /** EnableIPv6 as asked (the IPv6 side is used only then). */
  enableIPv6?: boolean;
  /** The network's IPv6 subnet (a ULA /64 of the daemon's pool unless the user gave one). */
  v6?: NetworkV6 | null;
}

export interface NetworkV6 {
  subnet: string;
  gateway: string;
  ipRange: string;
  userIpam: { Subnet?: string; Gateway?: string; IPRange?: string } | null;
  auxAddresses?: Record<string, string>;
}

export interface EndpointRecord {
  id: string;
  networkId: string;
  containerId: string;
  /** --network-alias, plus Docker's implicit ones are added at lookup. */
  aliases: string[];
  /** --ip: the address asked for, kept across restarts. */
  requestedIp: string;
  /** The address while the container runs; empty otherwise. */
  ip: string;
  mac: string;
  /** Host side of the veth while the container runs. */
  hostIfName: string;
  /** The interface's name inside the container while it runs (eth0, ...). */
  ifName?: string;
  /** MacAddress asked for (EndpointSettings.MacAddress, or Config.MacAddress for the first network). */
  requestedMac?: string;
  /** IPAMConfig.LinkLocalIPs: extra addresses on the interface. */
  linkLocalIps?: string[];
  /** --ip6: the IPv6 address asked for. */
  requestedIp6?: string;
  /** The IPv6 address while the container runs (IPv6 networks only). */
  ip6?: string;
  /** EndpointSettings.Links on a user network: "container:alias", answered by the DNS to this container only. */
  links?: string[];
  /** EndpointSettings.DriverOpts as given (null when absent), shown in inspect as Docker shows them. */
  driverOpts?: Record<string, string> | null;
  /** Where Docker's endpoint would stand: 'created' (recorded at create, never joined), 'connected' (by a connect
   * while the container was stopped: Docker configures it then, so its implicit aliases and DNSNames show, but no
   * NetworkID until it is joined), 'joined' (at a start or a live connect; kept after an exit). Absent in records
   * written before it was kept, which read as before: joined once the container has started. */
  stage?: EndpointStage;
}

export type EndpointStage = 'created' | 'connected' | 'joined';

/** A published port as programmed: host side and container side. */
export interface PortMapping {
  proto: 'tcp' | 'udp' | 'sctp';
  containerPort: number;
  /** '' means every address of the host. */
  hostIp: string;
  hostPort: number;
}

/** The store of networks and endpoints. Implemented over SQLite (migration 003). */
export interface NetworkStore {
  listNetworks(): NetworkRecord[];
  getNetwork(id: string): NetworkRecord | undefined;
  /** The oldest network of that name. */
  findNetworkByName(name: string): NetworkRecord | undefined;
  /** Every network of that name, oldest first (names repeat only when a create allowed it). */
  networksByName(name: string): NetworkRecord[];
  /** Conflict when the name is taken, unless `uniqueName: false` (checked and inserted atomically). */
  insertNetwork(n: NetworkRecord, options?: { uniqueName?: boolean }): void;
  /** The network and its endpoints, atomically. */
  deleteNetwork(id: string): void;
  endpointsOfNetwork(networkId: string): EndpointRecord[];
  endpointsOfContainer(containerId: string): EndpointRecord[];
  allEndpoints(): EndpointRecord[];
  upsertEndpoint(e: EndpointRecord): void;
  deleteEndpoint(networkId: string, containerId: string): void;
  /** Published ports of a running container; empty list when none. */
  portsOf(containerId: string): PortMapping[];
  setPorts(containerId: string, ports: PortMapping[]): void;
  allPorts(): Map<string, PortMapping[]>;
}
