// Container records in Docker's shapes: inspect (GET /containers/{id}/json) and summary (GET /containers/json).
import type { ContainerRecord } from '../../core/containers/container-record.js';
import { humanDuration } from '../../lib/human-duration.js';
import type {
  ContainerInspect,
  ContainerSummary,
  EndpointSettings,
  NetworkSettings,
  Port,
} from '../../spec/docker/containers.js';
import { ZERO_TIME } from '../../lib/time.js';
import { healthSuffix } from '../../core/health/health-state.js';
import { fullContainerConfig, fullHostConfig } from './config-zero-values.js';
import { compareApiVersions } from '../server/api-version.js';

export interface NetworkView {
  settings: NetworkSettings;
}

const emptyNetworkSettings = (mode: string): NetworkSettings => ({
  Bridge: '',
  SandboxID: '',
  SandboxKey: '',
  Ports: {},
  HairpinMode: false,
  LinkLocalIPv6Address: '',
  LinkLocalIPv6PrefixLen: 0,
  SecondaryIPAddresses: null,
  SecondaryIPv6Addresses: null,
  EndpointID: '',
  Gateway: '',
  GlobalIPv6Address: '',
  GlobalIPv6PrefixLen: 0,
  IPAddress: '',
  IPPrefixLen: 0,
  IPv6Gateway: '',
  MacAddress: '',
  Networks: {
    [mode]: {
      IPAMConfig: null,
      Links: null,
      Aliases: null,
      MacAddress: '',
      DriverOpts: null,
      NetworkID: '',
      EndpointID: '',
      Gateway: '',
      IPAddress: '',
      IPPrefixLen: 0,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      DNSNames: null,
    },
  },
});

export function toContainerInspect(
  c: ContainerRecord,
  apiVersion: string,
  sizes?: { rw: number; rootFs: number },
  network?: NetworkView,
  execIds?: string[],
): ContainerInspect {
  const s = c.state;
  return {
    Id: c.id,
    Created: c.created,
    Path: c.path,
    Args: c.args,
    State: {
      Status: s.status,
      Running: s.status === 'running' || s.status === 'paused' || s.status === 'restarting',
      Paused: s.status === 'paused',
      Restarting: s.status === 'restarting',
      OOMKilled: s.oomKilled,
      Dead: s.status === 'dead',
      Pid: s.pid,
      ExitCode: s.exitCode,
      Error: s.error,
      StartedAt: s.startedAt || ZERO_TIME,
      FinishedAt: s.finishedAt || ZERO_TIME,
      ...(s.health ? { Health: s.health } : {}),
    },
    Image: c.imageId,
    ResolvConfPath: c.resolvConfPath,
    HostnamePath: c.hostnamePath,
    HostsPath: c.hostsPath,
    LogPath: c.hostConfig.LogConfig?.Type === 'none' ? '' : c.logPath, // Docker's none driver has no file
    Name: `/${c.name}`,
    RestartCount: c.restartCount,
    Driver: c.storageDriver,
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: execIds && execIds.length > 0 ? execIds : null, // Docker's: null when none
    HostConfig: fullHostConfig(c.hostConfig, apiVersion),
    GraphDriver: { Name: c.storageDriver, Data: null },
    ...(sizes ? { SizeRw: sizes.rw, SizeRootFs: sizes.rootFs } : {}),
    Mounts: c.mounts,
    Config: fullContainerConfig(c.config),
    NetworkSettings: withImplicitAliases(
      network?.settings ?? emptyNetworkSettings(c.hostConfig.NetworkMode || 'none'),
      [c.id.slice(0, 12), c.config.Hostname ?? ''],
      apiVersion,
    ),
  };
}

/** Below API 1.45 Docker lists the short container ID and the hostname among the aliases of every network with DNS
 * once it configured the endpoint there (1.45 moved them to DNSNames, which say when): dockerd 20.10 appends each
 * unless already there, so `--hostname hh --network-alias al` shows [al, <short id>, hh]. compose 1.29 and older
 * clients read them there. */
function withImplicitAliases(settings: NetworkSettings, implicit: string[], apiVersion: string): NetworkSettings {
  if (compareApiVersions(apiVersion, '1.45') >= 0) return settings;
  const networks = Object.fromEntries(
    Object.entries(settings.Networks ?? {}).map(([name, e]) => {
      if (!e.DNSNames) return [name, e];
      const aliases = [...(e.Aliases ?? [])];
      for (const a of implicit) if (a && !aliases.includes(a)) aliases.push(a);
      return [name, { ...e, Aliases: aliases }];
    }),
  );
  return { ...settings, Networks: networks };
}

/** The list's network entries as Docker's container snapshot copies them (container/view.go, 20.10 to 27): the
 * addresses, IDs and the IPAM addresses only; Aliases, Links, DriverOpts, DNSNames and link-local IPs are null there
 * (inspect has them). */
function summaryNetworks(networks: Record<string, EndpointSettings>): Record<string, EndpointSettings> {
  return Object.fromEntries(
    Object.entries(networks).map(([name, e]) => {
      const ipam = e.IPAMConfig
        ? {
            ...(e.IPAMConfig.IPv4Address ? { IPv4Address: e.IPAMConfig.IPv4Address } : {}),
            ...(e.IPAMConfig.IPv6Address ? { IPv6Address: e.IPAMConfig.IPv6Address } : {}),
          }
        : null;
      return [name, { ...e, IPAMConfig: ipam, Links: null, Aliases: null, DriverOpts: null, DNSNames: null }];
    }),
  );
}

/** ps's Status column: "Up 3 seconds", "Exited (0) 2 minutes ago", "Created", "Up 1 hour (Paused)". */
export function statusText(c: ContainerRecord, now = Date.now()): string {
  const s = c.state;
  const since = (t: string): number => now - Date.parse(t);
  switch (s.status) {
    case 'running':
      return `Up ${humanDuration(since(s.startedAt))}${s.health ? healthSuffix(s.health) : ''}`;
    case 'paused':
      return `Up ${humanDuration(since(s.startedAt))} (Paused)`;
    case 'restarting':
      return `Restarting (${s.exitCode}) ${humanDuration(since(s.finishedAt))} ago`;
    case 'exited':
      return s.finishedAt && s.finishedAt !== ZERO_TIME
        ? `Exited (${s.exitCode}) ${humanDuration(since(s.finishedAt))} ago`
        : 'Exited';
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    default:
      return 'Created';
  }
}

export function toContainerSummary(
  c: ContainerRecord,
  sizes?: { rw: number; rootFs: number },
  ports: Port[] = [],
  network?: NetworkView,
  image: string = c.image,
): ContainerSummary {
  const settings = network?.settings ?? emptyNetworkSettings(c.hostConfig.NetworkMode || 'none');
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: image,
    ImageID: c.imageId,
    Command: [c.path, ...c.args].join(' '),
    Created: Math.floor(Date.parse(c.created) / 1000),
    Ports: ports,
    ...(sizes ? { SizeRw: sizes.rw, SizeRootFs: sizes.rootFs } : {}),
    Labels: c.config.Labels ?? {},
    State: c.state.status,
    Status: statusText(c),
    HostConfig: { NetworkMode: c.hostConfig.NetworkMode || 'none' },
    NetworkSettings: { Networks: summaryNetworks(settings.Networks ?? {}) },
    Mounts: c.mounts,
  };
}
