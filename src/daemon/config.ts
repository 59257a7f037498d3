// Daemon configuration: defaults < config file < environment < flags. Validated; unknown keys rejected.
import { readFileSync, existsSync } from 'node:fs';
import { join, isAbsolute } from 'node:path';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { mirrorEndpoint } from '../drivers/registry-client/registry-hosts.js';
import { resolveDashboardConfig, type DashboardConfig } from './dashboard-config.js';

export const DEFAULT_CONFIG_FILE = '/etc/berth/daemon.json';

const unixHost = z.string().regex(/^unix:\/\/\/.+/, 'hosts must be unix:///absolute/path');
const absolutePath = z.string().refine(isAbsolute, 'must be an absolute path');

/** dockerd's check of a registry mirror URL, with its words. */
function validMirror(url: string, ctx: z.RefinementCtx): void {
  try {
    mirrorEndpoint(url);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
}

/** The config file uses dockerd's daemon.json key names. */
export const configFileSchema = z
  .object({
    hosts: z.array(unixHost).min(1).optional(),
    'data-root': absolutePath.optional(),
    'exec-root': absolutePath.optional(),
    pidfile: absolutePath.optional(),
    group: z.string().optional(),
    'log-level': z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).optional(),
    debug: z.boolean().optional(),
    'storage-driver': z.enum(['overlay2', 'overlay', 'native', 'vfs']).optional(),
    'registry-addr': z
      .string()
      .regex(/^.*:\d+$/, 'registry-addr must be host:port')
      .optional(),
    'registry-root': absolutePath.optional(),
    'registry-htpasswd': absolutePath.optional(),
    'insecure-registries': z.array(z.string().min(1)).optional(),
    'blocked-registries': z.array(z.string().min(1)).optional(),
    /** containerd's hosts directory: DIR/<registry domain>/hosts.toml names pull mirrors (CRI and Engine API pulls). */
    'registry-config-dir': absolutePath.optional(),
    /** dockerd's registry-mirrors: Docker Hub pulls try these http(s) URLs in order, then Docker Hub. */
    'registry-mirrors': z.array(z.string().superRefine(validMirror)).optional(),
    /** Pod networks (CRI): the CNI configuration directory (kubelet's --cni-conf-dir) and plugin directories. */
    'cni-conf-dir': absolutePath.optional(),
    'cni-bin-dir': z.array(absolutePath).min(1).optional(),
    /** The web dashboard's HOST:PORT, or "off". */
    dashboard: z.string().optional(),
    'dashboard-token': z.string().optional(),
    /** The default bridge network's Linux bridge, or "none" for loopback-only containers by default. */
    bridge: z
      .string()
      .regex(/^(none|[A-Za-z0-9_.-]{1,15})$/, 'bridge must be "none" or an interface name of at most 15 characters')
      .optional(),
    bip: z
      .string()
      .regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/, 'bip must be an address with a prefix, e.g. 172.17.0.1/16')
      .optional(),
    'default-address-pools': z
      .array(
        z
          .object({ base: z.string().regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/), size: z.number().int().min(8).max(30) })
          .strict(),
      )
      .min(1)
      .optional(),
    iptables: z.boolean().optional(),
    'ip-masq': z.boolean().optional(),
    mtu: z.number().int().min(68).max(65535).optional(),
    'host-gateway-ip': z.string().optional(),
    /** berth's own: the resolv.conf containers inherit and the embedded DNS forwards to. */
    'resolv-conf': absolutePath.optional(),
    /** berth's own: the embedded DNS port (53). */
    'dns-port': z.number().int().min(1).max(65535).optional(),
    /** OCI runtimes with runc's command line, by name (dockerd's shape); "runc" is built in. */
    runtimes: z
      .record(
        z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'runtime names are letters, digits, _ . -'),
        z.object({ path: z.string().min(1), runtimeArgs: z.array(z.string()).optional() }).strict(),
      )
      .optional(),
    'default-runtime': z.string().optional(),
    /** The Kubernetes CRI's socket (a path or unix:///path); "" turns the CRI off. */
    'cri-socket': z
      .string()
      .refine((s) => s === '' || isAbsolute(s.replace(/^unix:\/\//, '')), 'cri-socket must be an absolute path or ""')
      .optional(),
    /** The CRI streaming server's address and port (containerd's stream_server_address / stream_server_port). */
    'cri-stream-address': z.union([z.ipv4(), z.ipv6()]).optional(),
    'cri-stream-port': z.number().int().min(0).max(65535).optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;

export interface DaemonConfig {
  hosts: string[];
  /** Started by an ordinary user, running as uid 0 of rootlesskit's user namespace (daemon/rootless/). */
  rootless: boolean;
  dataRoot: string;
  execRoot: string;
  pidfile: string;
  /** Group allowed on the socket besides root; none by default. */
  group: string | undefined;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  debug: boolean;
  /** "auto" picks overlay when the kernel has it, else the copying native snapshotter. */
  storageDriver: 'auto' | 'overlay' | 'native';
  /** berth's OCI registry served by the daemon; absent = off. */
  registry: { addr: string; root: string; htpasswd?: string } | undefined;
  /** The CRI's unix socket path (default <exec-root>/cri.sock, i.e. /run/berth/cri.sock); absent = off. */
  criSocket: string | undefined;
  /** Where the CRI's streaming server listens: loopback, a free port, unless configured. */
  criStreamServer: { address: string; port: number };
  /** Registries (host[:port] or CIDR) the registry client may reach over plain HTTP; loopback always may. */
  insecureRegistries: string[];
  /** Registries never contacted (tests block docker.io so nothing leaves the machine). */
  blockedRegistries: string[];
  /** DIR/<domain>/hosts.toml: pull mirrors per registry (default /etc/berth/certs.d; absent files = none). */
  registryConfigDir: string;
  /** dockerd's registry-mirrors (URLs), for Docker Hub pulls. */
  registryMirrors: string[];
  /** CNI for pod networks: the first network list in confDir, plugins found in binDirs in order. */
  cni: { confDir: string; binDirs: string[] };
  dashboard: DashboardConfig;
  /** Extra OCI runtimes (runc is always there) and the one containers get when they name none. */
  runtimes: Record<string, { path: string; runtimeArgs?: string[] }>;
  defaultRuntime: string;
  network: {
    /** undefined: --bridge=none. */
    bridge: string | undefined;
    /** --bridge as given ('' when not), which Docker shows as a bridge-mode container's NetworkSettings.Bridge. */
    bridgeOption: string;
    bip: string | undefined;
    pools: { base: string; size: number }[] | undefined;
    iptables: boolean;
    ipMasq: boolean;
    mtu: number;
    hostGatewayIp: string | undefined;
    resolvConf: string;
    dnsPort: number;
    /** Prefix of the daemon's iptables chains, from the exec root. */
    chainPrefix: string;
    /** IPv6 networks without a subnet of their own get /64s of this ULA /48 (fd00::/8), from the exec root. */
    ipv6Pool: { base: string; size: number };
  };
}

export type ConfigOverrides = Partial<ConfigFile>;

export function readConfigFile(path: string, required: boolean): ConfigFile {
  if (!existsSync(path)) {
    if (required) throw new Error(`config file ${path} does not exist`);
    return {};
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`config file ${path}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** BERTH_* environment variables, named after the flags. */
export function configFromEnv(env: NodeJS.ProcessEnv): ConfigFile {
  const out: Record<string, unknown> = {};
  if (env.BERTH_HOST) out.hosts = [env.BERTH_HOST];
  if (env.BERTH_DATA_ROOT) out['data-root'] = env.BERTH_DATA_ROOT;
  if (env.BERTH_EXEC_ROOT) out['exec-root'] = env.BERTH_EXEC_ROOT;
  if (env.BERTH_PIDFILE) out.pidfile = env.BERTH_PIDFILE;
  if (env.BERTH_LOG_LEVEL) out['log-level'] = env.BERTH_LOG_LEVEL;
  if (env.BERTH_STORAGE_DRIVER) out['storage-driver'] = env.BERTH_STORAGE_DRIVER;
  if (env.BERTH_DASHBOARD) out.dashboard = env.BERTH_DASHBOARD;
  if (env.BERTH_DASHBOARD_TOKEN) out['dashboard-token'] = env.BERTH_DASHBOARD_TOKEN;
  const parsed = configFileSchema.safeParse(out);
  if (!parsed.success) throw new Error(`environment: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function resolveRuntimes(merged: ConfigFile): { runtimes: DaemonConfig['runtimes']; defaultRuntime: string } {
  const runtimes = merged.runtimes ?? {};
  // As dockerd: runc is built in and cannot be redefined.
  if ('runc' in runtimes) throw new Error("runtime name 'runc' is reserved");
  const defaultRuntime = merged['default-runtime'] ?? 'runc';
  if (defaultRuntime !== 'runc' && !(defaultRuntime in runtimes))
    throw new Error(`default-runtime "${defaultRuntime}" is not among the configured runtimes`);
  return { runtimes, defaultRuntime };
}

export function resolveConfig(...layers: ConfigFile[]): DaemonConfig {
  // Runtimes from several layers add up (dockerd's --add-runtime beside daemon.json).
  const runtimes = Object.assign({}, ...layers.map((l) => l.runtimes ?? {})) as NonNullable<ConfigFile['runtimes']>;
  const merged: ConfigFile = {
    ...Object.assign(
      {},
      ...layers.map((l) => Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined))),
    ),
    ...(Object.keys(runtimes).length ? { runtimes } : {}),
  };
  const execRoot = merged['exec-root'] ?? '/run/berth';
  const driver = merged['storage-driver'];
  return {
    hosts: merged.hosts ?? [`unix://${join(execRoot, 'berth.sock')}`],
    rootless: false,
    dataRoot: merged['data-root'] ?? '/var/lib/berth',
    execRoot,
    pidfile: merged.pidfile ?? join(execRoot, 'berthd.pid'),
    group: merged.group,
    logLevel: merged['log-level'] ?? (merged.debug ? 'debug' : 'info'),
    debug: merged.debug ?? false,
    storageDriver: driver === undefined ? 'auto' : driver.startsWith('overlay') ? 'overlay' : 'native',
    registry: merged['registry-addr']
      ? {
          addr: merged['registry-addr'],
          root: merged['registry-root'] ?? join(merged['data-root'] ?? '/var/lib/berth', 'registry'),
          ...(merged['registry-htpasswd'] ? { htpasswd: merged['registry-htpasswd'] } : {}),
        }
      : undefined,
    criSocket: criSocketOf(merged['cri-socket'], execRoot),
    criStreamServer: { address: merged['cri-stream-address'] ?? '127.0.0.1', port: merged['cri-stream-port'] ?? 0 },
    insecureRegistries: merged['insecure-registries'] ?? [],
    blockedRegistries: merged['blocked-registries'] ?? [],
    registryConfigDir: merged['registry-config-dir'] ?? '/etc/berth/certs.d',
    registryMirrors: merged['registry-mirrors'] ?? [],
    cni: {
      confDir: merged['cni-conf-dir'] ?? '/etc/cni/net.d',
      // Debian's containernetworking-plugins, then where upstream's release archives are usually unpacked.
      binDirs: merged['cni-bin-dir'] ?? ['/usr/lib/cni', '/opt/cni/bin'],
    },
    dashboard: resolveDashboardConfig(merged.dashboard, merged['dashboard-token']),
    ...resolveRuntimes(merged),
    network: {
      bridge: merged.bridge === 'none' ? undefined : (merged.bridge ?? 'berth0'),
      // With none Docker has no default bridge, so no container of mode bridge to show it.
      bridgeOption: merged.bridge === 'none' ? '' : (merged.bridge ?? ''),
      bip: merged.bip,
      pools: merged['default-address-pools'],
      iptables: merged.iptables ?? true,
      ipMasq: merged['ip-masq'] ?? true,
      mtu: merged.mtu ?? 1500,
      hostGatewayIp: merged['host-gateway-ip'],
      resolvConf: merged['resolv-conf'] ?? '/etc/resolv.conf',
      dnsPort: merged['dns-port'] ?? 53,
      // From the exec root (stable across restarts), not the bridge: daemons sharing a bridge keep their own chains.
      chainPrefix: `BERTH-${createHash('sha256').update(execRoot).digest('hex').slice(0, 8)}`,
      ipv6Pool: ulaPool(execRoot),
    },
  };
}

/** The CRI socket from its setting: unset = beside the API socket in the exec root, "" = off. */
function criSocketOf(setting: string | undefined, execRoot: string): string | undefined {
  if (setting === undefined) return join(execRoot, 'cri.sock');
  return setting === '' ? undefined : setting.replace(/^unix:\/\//, '');
}

/** A ULA /48 (RFC 4193: fd + 40 bits) derived from the exec root, as Docker derives its default IPv6 pool. */
function ulaPool(execRoot: string): { base: string; size: number } {
  const h = createHash('sha256').update(`ipv6:${execRoot}`).digest('hex');
  return { base: `fd${h.slice(0, 2)}:${h.slice(2, 6)}:${h.slice(6, 10)}::/48`, size: 64 };
}

export const socketPathOf = (host: string): string => host.slice('unix://'.length);
