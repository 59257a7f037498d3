// berthd's command line: flags named as dockerd's, then the daemon until a signal stops it.
import { mkdir, realpath } from 'node:fs/promises';
import { Command } from 'commander';
import { createLogger } from '../lib/logger.js';
import { configFromEnv, readConfigFile, resolveConfig, DEFAULT_CONFIG_FILE, type ConfigFile } from './config.js';
import { checkHostTools, missingToolsMessage } from './host-tools.js';
import { Daemon } from './daemon.js';
import { BERTH_VERSION } from './version.js';
import { limitDaemonMallocArenas } from './malloc-arenas.js';
import type { DashboardStarter } from './dashboard-hook.js';
import { missingPrerequisites, prerequisitesReport } from '../core/rootless/prerequisites.js';
import { rootlessNetwork } from '../core/rootless/choices.js';
import { gatherRootlessFacts } from './rootless/host-facts.js';
import { rootlessDefaults, rootlessPaths } from './rootless/paths.js';
import { isRootlessChild, runInNamespaces } from './rootless/reexec.js';
import { ensureHolder } from './rootless/namespace-holder.js';

interface Flags {
  host?: string[];
  dataRoot?: string;
  execRoot?: string;
  pidfile?: string;
  configFile?: string;
  logLevel?: string;
  debug?: boolean;
  storageDriver?: string;
  group?: string;
  registryAddr?: string;
  registryRoot?: string;
  registryHtpasswd?: string;
  insecureRegistry?: string[];
  blockedRegistry?: string[];
  dashboard?: string;
  dashboardToken?: string;
  bridge?: string;
  bip?: string;
  defaultAddressPool?: string[];
  iptables?: boolean;
  ipMasq?: boolean;
  mtu?: string;
  hostGatewayIp?: string;
  resolvConf?: string;
  dnsPort?: string;
  addRuntime?: string[];
  defaultRuntime?: string;
  criSocket?: string;
  criStreamAddress?: string;
  criStreamPort?: string;
  registryConfigDir?: string;
  registryMirror?: string[];
  cniConfDir?: string;
  cniBinDir?: string[];
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const parseBool = (value: string | undefined): boolean => value === undefined || value === 'true' || value === '1';

function parsePool(spec: string): { base: string; size: number } {
  const fields = Object.fromEntries(spec.split(',').map((kv) => kv.split('=') as [string, string]));
  return { base: fields.base ?? '', size: Number(fields.size) };
}

/** --add-runtime name=path, as dockerd. */
function parseRuntimeFlag(spec: string): [string, { path: string }] {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) throw new Error(`--add-runtime ${spec}: expected name=path`);
  return [spec.slice(0, eq), { path: spec.slice(eq + 1) }];
}

function parseFlags(argv: string[]): Flags {
  const program = new Command('berthd')
    .description('berth daemon: serves the Docker Engine API on a unix socket')
    .version(BERTH_VERSION, '-v, --version')
    .option('-H, --host <socket>', 'daemon socket to listen on (unix:///path), repeatable', collect)
    .option('--data-root <dir>', 'root of persistent state (default /var/lib/berth)')
    .option('--exec-root <dir>', 'root of runtime state (default /run/berth)')
    .option('-p, --pidfile <file>', 'path of the daemon pid file')
    .option('--config-file <file>', `daemon config file (default ${DEFAULT_CONFIG_FILE})`)
    .option('-l, --log-level <level>', 'trace, debug, info, warn, error or fatal')
    .option('-D, --debug', 'debug mode')
    .option('-s, --storage-driver <name>', 'overlay2 or native')
    .option('-G, --group <group>', 'group allowed on the unix socket')
    .option('--registry-addr <host:port>', "serve berth's OCI registry on this TCP address (off by default)")
    .option('--registry-root <dir>', 'storage of the embedded registry (default <data-root>/registry)')
    .option('--registry-htpasswd <file>', 'htpasswd file (bcrypt) guarding the embedded registry')
    .option('--insecure-registry <host>', 'registry (host[:port] or CIDR) allowed over plain HTTP, repeatable', collect)
    .option('--blocked-registry <host>', 'registry (host[:port] or docker.io) never contacted, repeatable', collect)
    .option('--dashboard <addr>', 'web dashboard address HOST:PORT, or off (default 127.0.0.1:9900)')
    .option('--dashboard-token <token>', 'dashboard login token (default: random at each start; required off loopback)')
    .option('-b, --bridge <name>', 'Linux bridge of the default bridge network (default berth0), or none')
    .option('--bip <cidr>', 'address and prefix of the default bridge, e.g. 172.17.0.1/16')
    .option('--default-address-pool <pool>', 'base=<cidr>,size=<prefix> for new networks, repeatable', collect)
    .option('--iptables [bool]', 'program iptables rules (default true)', parseBool)
    .option('--ip-masq [bool]', 'masquerade outbound traffic of bridge networks (default true)', parseBool)
    .option('--mtu <bytes>', 'MTU of bridges and container interfaces (default 1500)')
    .option('--host-gateway-ip <ip>', 'address that --add-host host-gateway stands for')
    .option('--resolv-conf <file>', 'resolv.conf containers inherit and the embedded DNS forwards to')
    .option('--dns-port <port>', 'port of the embedded DNS server on network gateways (default 53)')
    .option('--add-runtime <name=path>', "register an OCI runtime with runc's command line, repeatable", collect)
    .option('--default-runtime <name>', 'runtime of containers that name none (default runc)')
    .option(
      '--registry-config-dir <dir>',
      'pull mirrors per registry: DIR/<domain>/hosts.toml (default /etc/berth/certs.d)',
    )
    .option('--registry-mirror <url>', 'Docker Hub mirror (http(s)://host[:port]), tried in order, repeatable', collect)
    .option('--cri-socket <path>', 'Kubernetes CRI socket (default <exec-root>/cri.sock); "" turns the CRI off')
    .option('--cri-stream-address <ip>', "the CRI streaming server's address (default 127.0.0.1)")
    .option('--cri-stream-port <port>', "the CRI streaming server's port (default 0: any free port)")
    .option('--cni-conf-dir <dir>', "pods' CNI network configuration directory (default /etc/cni/net.d)")
    .option(
      '--cni-bin-dir <dirs>',
      'CNI plugin directories, comma-separated, repeatable (default /usr/lib/cni,/opt/cni/bin)',
      (value: string, previous: string[] = []) => [...previous, ...value.split(',').filter(Boolean)],
    )
    .allowExcessArguments(false);
  program.parse(argv);
  return program.opts<Flags>();
}

function flagsAsConfig(flags: Flags): ConfigFile {
  return {
    hosts: flags.host,
    'data-root': flags.dataRoot,
    'exec-root': flags.execRoot,
    pidfile: flags.pidfile,
    'log-level': flags.logLevel as ConfigFile['log-level'],
    debug: flags.debug,
    'storage-driver': flags.storageDriver as ConfigFile['storage-driver'],
    group: flags.group,
    'registry-addr': flags.registryAddr,
    'registry-root': flags.registryRoot,
    'registry-htpasswd': flags.registryHtpasswd,
    'insecure-registries': flags.insecureRegistry,
    'blocked-registries': flags.blockedRegistry,
    dashboard: flags.dashboard,
    'dashboard-token': flags.dashboardToken,
    bridge: flags.bridge,
    bip: flags.bip,
    'default-address-pools': flags.defaultAddressPool?.map(parsePool),
    iptables: flags.iptables,
    'ip-masq': flags.ipMasq,
    mtu: flags.mtu !== undefined ? Number(flags.mtu) : undefined,
    'host-gateway-ip': flags.hostGatewayIp,
    'resolv-conf': flags.resolvConf,
    'dns-port': flags.dnsPort !== undefined ? Number(flags.dnsPort) : undefined,
    runtimes: flags.addRuntime ? Object.fromEntries(flags.addRuntime.map(parseRuntimeFlag)) : undefined,
    'default-runtime': flags.defaultRuntime,
    'cri-socket': flags.criSocket,
    'cri-stream-address': flags.criStreamAddress,
    'cri-stream-port': flags.criStreamPort !== undefined ? Number(flags.criStreamPort) : undefined,
    'registry-config-dir': flags.registryConfigDir,
    'registry-mirrors': flags.registryMirror,
    'cni-conf-dir': flags.cniConfDir,
    'cni-bin-dir': flags.cniBinDir,
  };
}

/** Parts above the daemon's layer that the entry point (bin/berthd) hands in. */
export interface DaemonExtensions {
  dashboard?: DashboardStarter;
}

async function realRoots(dataRoot: string, execRoot: string): Promise<{ dataRoot: string; execRoot: string }> {
  await mkdir(dataRoot, { recursive: true, mode: 0o700 });
  await mkdir(execRoot, { recursive: true, mode: 0o700 });
  return { dataRoot: await realpath(dataRoot), execRoot: await realpath(execRoot) };
}

/** Started by an ordinary user: every prerequisite checked, then berthd again in rootlesskit's namespaces (never returns). */
async function startRootless(argv: string[]): Promise<never> {
  const facts = await gatherRootlessFacts();
  const missing = missingPrerequisites(facts);
  const required = missing.filter((m) => m.required);
  if (required.length > 0) {
    process.stderr.write(
      `berthd: cannot run rootless as ${facts.user.name}; \`berth rootless check\` lists the same:\n${prerequisitesReport(missing)}`,
    );
    process.exit(1);
  }
  const network = rootlessNetwork(facts);
  const paths = rootlessPaths(process.env);
  let holder: number;
  try {
    holder = await ensureHolder(
      { rootlesskit: facts.rootlesskit as string, flock: facts.flock as string },
      paths,
      network,
    );
  } catch (err) {
    process.stderr.write(`berthd: cannot start rootlesskit: ${(err as Error).message}\n`);
    process.exit(1);
  }
  return runInNamespaces(facts.nsenter as string, holder, paths, argv);
}

export async function main(argv: string[], extensions: DaemonExtensions = {}): Promise<void> {
  // bin/berthd set it before this module graph loaded; again here for any other way in (it only stops new arenas).
  limitDaemonMallocArenas();
  const flags = parseFlags(argv);
  const rootless = isRootlessChild(process.env);
  if (process.getuid?.() !== 0 && !rootless) await startRootless(argv);
  const paths = rootless ? rootlessPaths(process.env) : undefined;
  let config;
  try {
    const file = readConfigFile(
      flags.configFile ?? process.env.BERTH_CONFIG_FILE ?? paths?.configFile ?? DEFAULT_CONFIG_FILE,
      flags.configFile !== undefined,
    );
    const defaults = paths ? rootlessDefaults(paths) : {};
    config = { ...resolveConfig(defaults, file, configFromEnv(process.env), flagsAsConfig(flags)), rootless };
  } catch (err) {
    process.stderr.write(`berthd: ${(err as Error).message}\n`);
    process.exit(1);
  }
  // Inside rootlesskit /run is a copy-up: /run/user is a symlink into its hidden bind of the host's /run, and
  // mountinfo names mounts by the real path. Roots are used by their real paths so mounts under them are found.
  if (rootless) config = { ...config, ...(await realRoots(config.dataRoot, config.execRoot)) };
  const logger = createLogger({ level: config.logLevel });
  if (rootless) logger.info({ dataRoot: config.dataRoot, execRoot: config.execRoot }, 'running rootless');
  const tools = await checkHostTools();
  if (tools.missingRequired.length > 0) {
    process.stderr.write(`${missingToolsMessage(tools.missingRequired)}\n`);
    process.exit(1);
  }

  const daemon = new Daemon(config, logger, extensions.dashboard);
  // The signals are taken before the start, so a SIGTERM while berthd restores its containers or before it
  // listens stops it cleanly (once the start is over) instead of killing it mid-way.
  const started = daemon.start(tools);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'signal received');
    const startFailed = started.then(
      () => false,
      () => true,
    );
    startFailed
      .then(async (failed) => {
        await daemon.stop();
        return failed;
      })
      .then(
        (failed) => process.exit(failed ? 1 : 0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    await started;
  } catch (err) {
    process.stderr.write(`berthd: ${(err as Error).message}\n`);
    if (stopping) return; // the signal's stop finishes the work and exits
    await daemon.stop().catch(() => undefined);
    process.exit(1);
  }
  process.on('uncaughtException', (err) => logger.fatal({ err }, 'uncaught exception'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
}
