// A container's NetworkSettings in Docker's shape: one entry per network (address fields filled while it
// runs), and the legacy top-level fields mirroring the default bridge's endpoint.
// What Docker fills when (dockerd 20.10 measured side by side; moby 25-27 read): an entry's NetworkID is set when the
// container joins the network (at a start, or a connect while it runs) and kept after it exits; DNSNames from then on,
// or from a connect while it is stopped (Docker configures the endpoint then, and joins it at the next start);
// EndpointID, addresses and the MAC only while it runs. The host and none networks get an endpoint too while the
// container runs.
import type { ContainerRecord } from '../../core/containers/container-record.js';
import { sha256, digestHex } from '../../lib/digest.js';
import { ZERO_TIME } from '../../lib/time.js';
import { parseCidr } from '../../core/networks/ipv4.js';
import { parseCidr6 } from '../../core/networks/ipv6.js';
import type { EndpointRecord, NetworkRecord } from '../../core/networks/network-record.js';
import type { EndpointSettings, NetworkSettings, PortBinding } from '../../spec/docker/containers.js';

export interface SettingsInput {
  record: ContainerRecord;
  endpoints: { endpoint: EndpointRecord; network: NetworkRecord | undefined }[];
  /** The host or none network when the mode names one. */
  modeNetwork: NetworkRecord | undefined;
  sandboxKey: string;
  ports: Record<string, PortBinding[] | null>;
  /** The daemon's --bridge as given ('' when not). */
  bridgeOption?: string;
}

const emptyEndpoint = (networkId: string): EndpointSettings => ({
  IPAMConfig: null,
  Links: null,
  Aliases: null,
  MacAddress: '',
  DriverOpts: null,
  NetworkID: networkId,
  EndpointID: '',
  Gateway: '',
  IPAddress: '',
  IPPrefixLen: 0,
  IPv6Gateway: '',
  GlobalIPv6Address: '',
  GlobalIPv6PrefixLen: 0,
  DNSNames: null,
});

/** Whether the container ever started: Docker leaves an entry's NetworkID "" until then. */
export const everStarted = (c: ContainerRecord): boolean => c.state.startedAt !== '' && c.state.startedAt !== ZERO_TIME;

/** Whether the container joined this endpoint (Docker shows its NetworkID from then on, after an exit too). A record
 * without a stage (written before berth kept it) reads as before: joined once the container started. */
export const endpointJoined = (c: ContainerRecord, e: EndpointRecord): boolean =>
  e.stage ? e.stage === 'joined' : e.ip !== '' || everStarted(c);

/** Whether Docker configured this endpoint: joined, or connected while the container was stopped. From then on it
 * lists a user network's implicit names: the short ID and hostname among Aliases (20.10), DNSNames (25+). */
export const endpointConfigured = (c: ContainerRecord, e: EndpointRecord): boolean =>
  e.stage ? e.stage !== 'created' : endpointJoined(c, e);

/** The names Docker 25+ lists for a container on a user network (its DNS answers them): name, aliases, short id,
 * hostname. */
export const dnsNames = (c: ContainerRecord, aliases: string[]): string[] => [
  ...new Set([c.name, ...aliases, c.id.slice(0, 12), c.config.Hostname ?? ''].filter((x) => x)),
];

/** Whether Docker holds a host or none endpoint for the container now: while it runs or is paused; between an exit
 * and a restart (status restarting) it has released it, as at an exit. */
export const holdsModeEndpoint = (c: ContainerRecord): boolean =>
  c.state.status === 'running' || c.state.status === 'paused';

/** A running host or none container's SandboxKey. Docker shows the sandbox it made (for host its bind mount of the
 * host's namespace, for none the container's own namespace); berth makes none for these modes, so it shows the
 * process's namespace as the daemon sees it, which names that same namespace for as long as the container runs. */
export function modeSandboxKey(c: ContainerRecord): string {
  const mode = c.hostConfig.NetworkMode ?? '';
  const modeSandbox = (mode === 'host' || mode === 'none') && !c.config.NetworkDisabled;
  return modeSandbox && holdsModeEndpoint(c) && c.state.pid > 0 ? `/proc/${c.state.pid}/ns/net` : '';
}

/** berth keeps no endpoint for the host and none networks: this ID stands for the one Docker makes at each start,
 * the same for one run of the container and new at the next. */
export const modeEndpointId = (c: ContainerRecord, networkId: string): string =>
  digestHex(sha256(`${c.id}\n${networkId}\n${c.state.startedAt}`));

export function endpointSettings(c: ContainerRecord, e: EndpointRecord, n: NetworkRecord): EndpointSettings {
  const up = e.ip !== '';
  const joined = up || endpointJoined(c, e);
  const v6 = n.enableIPv6 ? n.v6 : undefined;
  const ipam = {
    ...(e.requestedIp ? { IPv4Address: e.requestedIp } : {}),
    ...(e.requestedIp6 ? { IPv6Address: e.requestedIp6 } : {}),
    ...((e.linkLocalIps ?? []).length > 0 ? { LinkLocalIPs: e.linkLocalIps } : {}),
  };
  return {
    ...emptyEndpoint(joined ? n.id : ''),
    IPAMConfig: Object.keys(ipam).length > 0 ? ipam : null,
    Links: (e.links ?? []).length > 0 ? (e.links ?? null) : null,
    Aliases: e.aliases.length > 0 ? e.aliases : null,
    DriverOpts: e.driverOpts ?? null,
    // The configured MAC shows while stopped, the one in use while running (API 1.44+).
    MacAddress: up ? e.mac : (e.requestedMac ?? ''),
    EndpointID: up ? e.id : '',
    Gateway: up ? n.gateway : '',
    IPAddress: e.ip,
    IPPrefixLen: up ? parseCidr(n.subnet).prefix : 0,
    IPv6Gateway: up && v6 && e.ip6 ? v6.gateway : '',
    GlobalIPv6Address: up ? (e.ip6 ?? '') : '',
    GlobalIPv6PrefixLen: up && v6 && e.ip6 ? parseCidr6(v6.subnet).prefix : 0,
    DNSNames: n.isDefault || !endpointConfigured(c, e) ? null : dnsNames(c, e.aliases),
  };
}

/** Docker sets NetworkSettings.Bridge to its --bridge value when it joins an endpoint of a container whose mode is
 * "bridge" (20.10 counts only "bridge" as sent, not the CLI's "default", which berth stores as "bridge", as 25+ do)
 * and keeps it after an exit. berth reads it off the endpoints: one joined means Docker would have set it (one
 * disconnected after its join is not seen). */
const showsBridgeOption = (c: ContainerRecord, endpoints: SettingsInput['endpoints']): boolean =>
  c.hostConfig.NetworkMode === 'bridge' && endpoints.some((e) => e.network && endpointJoined(c, e.endpoint));

export function containerNetworkSettings(input: SettingsInput): NetworkSettings {
  const c = input.record;
  const networks: Record<string, EndpointSettings> = {};
  for (const { endpoint, network } of input.endpoints)
    if (network) networks[network.name] = endpointSettings(c, endpoint, network);
  // A container disconnected from every bridge network shows none (as Docker); host, none and a bridge-less
  // daemon's default mode show their mode's entry.
  if (
    input.endpoints.length === 0 &&
    input.modeNetwork?.driver !== 'bridge' &&
    !(c.hostConfig.NetworkMode ?? '').startsWith('container:')
  ) {
    const mode = c.hostConfig.NetworkMode || 'none';
    const id = input.modeNetwork?.id ?? '';
    const joinedNow = id !== '' && holdsModeEndpoint(c);
    networks[mode] = {
      ...emptyEndpoint(everStarted(c) ? id : ''),
      EndpointID: joinedNow ? modeEndpointId(c, id) : '',
    };
  }
  const bridge = input.endpoints.find((e) => e.network?.isDefault);
  const top = bridge?.network ? networks[bridge.network.name] : undefined;
  return {
    Bridge: showsBridgeOption(c, input.endpoints) ? (input.bridgeOption ?? '') : '',
    SandboxID: input.sandboxKey ? c.id : '',
    SandboxKey: input.sandboxKey,
    Ports: input.ports,
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: top?.EndpointID ?? '',
    Gateway: top?.Gateway ?? '',
    GlobalIPv6Address: top?.GlobalIPv6Address ?? '',
    GlobalIPv6PrefixLen: top?.GlobalIPv6PrefixLen ?? 0,
    IPAddress: top?.IPAddress ?? '',
    IPPrefixLen: top?.IPPrefixLen ?? 0,
    IPv6Gateway: top?.IPv6Gateway ?? '',
    MacAddress: top?.MacAddress ?? '',
    Networks: networks,
  };
}
