// berth run / berth create: create a container from an image (and for run: attach, start, wait), as docker does.
// The attach and the wait are in place before the start, so no output and no exit is missed.
import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { ApiError } from '../../client/engine-client.js';
import type { ContainerCreateBody, ContainerWait, HostConfig } from '../../client/engine-types.js';
import { parseMountFlag, splitVolumeFlags } from '../mount-flag.js';
import { addHealthFlags, healthConfig, type HealthFlags } from '../health-flags.js';
import { StreamError } from '../../client/json-messages.js';
import { pullWithProgress, withDefaultTag } from './pull.js';
import { parsePublish } from '../port-spec.js';
import { runSession } from '../hijacked-session.js';
import { proxySignals } from '../signal-proxy.js';

export interface RunFlags extends HealthFlags {
  mount: string[];
  volumesFrom: string[];
  detach?: boolean;
  rm?: boolean;
  name?: string;
  env: string[];
  envFile: string[];
  workdir?: string;
  user?: string;
  entrypoint?: string;
  volume: string[];
  tmpfs: string[];
  label: string[];
  restart?: string;
  init?: boolean;
  readOnly?: boolean;
  capAdd: string[];
  capDrop: string[];
  privileged?: boolean;
  securityOpt: string[];
  hostname?: string;
  addHost: string[];
  dns: string[];
  network?: string;
  publish: string[];
  publishAll?: boolean;
  expose: string[];
  ip?: string;
  networkAlias: string[];
  dnsSearch: string[];
  dnsOption: string[];
  memory?: string;
  cpus?: string;
  pidsLimit?: string;
  stopSignal?: string;
  stopTimeout?: string;
  logOpt: string[];
  tty?: boolean;
  interactive?: boolean;
  /** run only: -a/--attach, --detach-keys, --sig-proxy */
  attach?: string[];
  detachKeys?: string;
  sigProxy?: boolean;
}

/** Which streams `run` attaches: -a picks them; else stdout and stderr, and stdin with -i. */
export function attachedStreams(f: RunFlags): { stdin: boolean; stdout: boolean; stderr: boolean } {
  if (f.detach) return { stdin: false, stdout: false, stderr: false };
  const picked = (f.attach ?? []).map((s) => s.toLowerCase());
  if (picked.length > 0)
    return { stdin: picked.includes('stdin'), stdout: picked.includes('stdout'), stderr: picked.includes('stderr') };
  return { stdin: f.interactive ?? false, stdout: true, stderr: true };
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];
const UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

function parseBytes(v: string): number {
  const m = /^(\d+(?:\.\d+)?)([bkmg]?)b?$/i.exec(v.trim());
  if (!m) throw new CliExit(125, `invalid size: '${v}'`);
  return Math.floor(Number(m[1]) * (UNITS[(m[2] || 'b').toLowerCase()] ?? 1));
}

function restartPolicy(spec: string | undefined): { Name: string; MaximumRetryCount: number } | undefined {
  if (!spec) return undefined;
  const [name = '', count] = spec.split(':');
  return { Name: name, MaximumRetryCount: count ? Number(count) : 0 };
}

export function buildCreateBody(image: string, command: string[], f: RunFlags): ContainerCreateBody {
  const env = [
    ...f.envFile.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('#')),
    ),
    ...f.env,
  ].map((e) => (e.includes('=') ? e : `${e}=${process.env[e] ?? ''}`));
  const tmpfs = Object.fromEntries(f.tmpfs.map((t) => [t.split(':')[0], t.split(':').slice(1).join(':')]));
  const logConfig = Object.fromEntries(f.logOpt.map((o) => [o.slice(0, o.indexOf('=')), o.slice(o.indexOf('=') + 1)]));
  const volumes = splitVolumeFlags(f.volume);
  const ports = parsePublish(f.publish ?? [], f.expose ?? []);
  const network = f.network ?? 'default';
  const endpoint =
    (f.networkAlias ?? []).length > 0 || f.ip
      ? { Aliases: f.networkAlias, ...(f.ip ? { IPAMConfig: { IPv4Address: f.ip } } : {}) }
      : {};
  return {
    Image: image,
    Cmd: command.length > 0 ? command : undefined,
    Entrypoint: f.entrypoint !== undefined ? [f.entrypoint] : undefined,
    Env: env,
    WorkingDir: f.workdir ?? '',
    User: f.user ?? '',
    Hostname: f.hostname ?? '',
    Labels: Object.fromEntries(f.label.map((l) => [l.split('=')[0], l.split('=').slice(1).join('=')])),
    Tty: f.tty ?? false,
    OpenStdin: f.interactive ?? false,
    AttachStdin: attachedStreams(f).stdin,
    AttachStdout: attachedStreams(f).stdout,
    AttachStderr: attachedStreams(f).stderr,
    // As docker: stdin attached at run closes when that client's input ends.
    StdinOnce: attachedStreams(f).stdin,
    StopSignal: f.stopSignal,
    StopTimeout: f.stopTimeout !== undefined ? Number(f.stopTimeout) : undefined,
    Volumes: volumes.anonymous.length ? Object.fromEntries(volumes.anonymous.map((v) => [v, {}])) : undefined,
    Healthcheck: healthConfig(f),
    ExposedPorts: ports.exposed,
    NetworkingConfig: { EndpointsConfig: { [network]: endpoint } },
    HostConfig: {
      AutoRemove: f.rm ?? false,
      Binds: volumes.binds,
      // Names the user typed (mount type, restart policy) go as given: the daemon refuses unknown ones with its message.
      Mounts: f.mount.length ? (f.mount.map(parseMountFlag) as HostConfig['Mounts']) : undefined,
      VolumesFrom: f.volumesFrom.length ? f.volumesFrom : undefined,
      Tmpfs: tmpfs,
      RestartPolicy: restartPolicy(f.restart) as HostConfig['RestartPolicy'],
      Init: f.init ?? null,
      ReadonlyRootfs: f.readOnly ?? false,
      CapAdd: f.capAdd,
      CapDrop: f.capDrop,
      Privileged: f.privileged ?? false,
      SecurityOpt: f.securityOpt,
      ExtraHosts: f.addHost,
      Dns: f.dns,
      DnsSearch: f.dnsSearch,
      DnsOptions: f.dnsOption,
      NetworkMode: network,
      PortBindings: ports.bindings,
      PublishAllPorts: f.publishAll ?? false,
      Memory: f.memory ? parseBytes(f.memory) : 0,
      NanoCpus: f.cpus ? Math.round(Number(f.cpus) * 1e9) : 0,
      PidsLimit: f.pidsLimit ? Number(f.pidsLimit) : null,
      // An empty driver is the daemon's default, as docker sends it (the swagger's enum leaves it out).
      LogConfig: { Type: '', Config: logConfig } as unknown as HostConfig['LogConfig'],
      ConsoleSize: f.tty && process.stdout.isTTY ? [process.stdout.rows, process.stdout.columns] : [0, 0],
    },
  };
}

export function addCreateFlags(cmd: DockerCommand): DockerCommand {
  return addHealthFlags(cmd)
    .option('--mount <mount>', 'Attach a filesystem mount to the container', collect, [])
    .option('--volumes-from <list>', 'Mount volumes from the specified container(s)', collect, [])
    .option('--name <string>', 'Assign a name to the container')
    .option('-e, --env <list>', 'Set environment variables', collect, [])
    .option('--env-file <list>', 'Read in a file of environment variables', collect, [])
    .option('-w, --workdir <string>', 'Working directory inside the container')
    .option('-u, --user <string>', 'Username or UID (format: <name|uid>[:<group|gid>])')
    .option('--entrypoint <string>', 'Overwrite the default ENTRYPOINT of the image')
    .option('-v, --volume <list>', 'Bind mount a volume', collect, [])
    .option('--tmpfs <list>', 'Mount a tmpfs directory', collect, [])
    .option('-l, --label <list>', 'Set meta data on a container', collect, [])
    .option('--restart <string>', 'Restart policy to apply when a container exits')
    .option('--init', 'Run an init inside the container')
    .option('--read-only', "Mount the container's root filesystem as read only")
    .option('--cap-add <list>', 'Add Linux capabilities', collect, [])
    .option('--cap-drop <list>', 'Drop Linux capabilities', collect, [])
    .option('--privileged', 'Give extended privileges to this container')
    .option('--security-opt <list>', 'Security Options', collect, [])
    .option('-h, --hostname <string>', 'Container host name')
    .option('--add-host <list>', 'Add a custom host-to-IP mapping (host:ip)', collect, [])
    .option('--dns <list>', 'Set custom DNS servers', collect, [])
    .option('--network <string>', 'Connect a container to a network')
    .option('-p, --publish <list>', "Publish a container's port(s) to the host", collect, [])
    .option('-P, --publish-all', 'Publish all exposed ports to random ports')
    .option('--expose <list>', 'Expose a port or a range of ports', collect, [])
    .option('--ip <string>', 'IPv4 address (e.g., 172.30.100.104)')
    .option('--network-alias <list>', 'Add network-scoped alias for the container', collect, [])
    .option('--dns-search <list>', 'Set custom DNS search domains', collect, [])
    .option('--dns-option <list>', 'Set DNS options', collect, [])
    .option('-m, --memory <bytes>', 'Memory limit')
    .option('--cpus <decimal>', 'Number of CPUs')
    .option('--pids-limit <int>', 'Tune container pids limit')
    .option('--stop-signal <string>', 'Signal to stop the container')
    .option('--stop-timeout <int>', 'Timeout (in seconds) to stop a container')
    .option('--log-opt <list>', 'Log driver options', collect, [])
    .option('-t, --tty', 'Allocate a pseudo-TTY')
    .option('-i, --interactive', 'Keep STDIN open even if not attached') as DockerCommand;
}

export async function createContainer(
  ctx: CliContext,
  image: string,
  command: string[],
  flags: RunFlags,
): Promise<string> {
  try {
    const res = await ctx.client.containers.create(buildCreateBody(image, command, flags), { name: flags.name });
    return res.Id;
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404 && /No such image/.test(err.message))) throw err;
    // As the docker CLI: a missing image is pulled (progress on stderr), then the create is tried again.
    const tagged = withDefaultTag(image);
    ctx.stderr.write(`Unable to find image '${tagged}' locally\n`);
    await pullWithProgress(ctx, tagged, { out: ctx.stderr });
    const res = await ctx.client.containers.create(buildCreateBody(image, command, flags), { name: flags.name });
    return res.Id;
  }
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = addCreateFlags(
    parent
      .command(name)
      .usage('[OPTIONS] IMAGE [COMMAND] [ARG...]')
      .description('Create and run a new container from an image')
      .argument('[args...]')
      .passThroughOptions() as DockerCommand,
  )
    .option('-d, --detach', 'Run container in background and print container ID')
    .option('-a, --attach <list>', 'Attach to STDIN, STDOUT or STDERR', collect, [])
    .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
    .option('--sig-proxy', 'Proxy received signals to the process', true)
    .addOption(new Option('--no-sig-proxy').hideHelp())
    .option('--rm', 'Automatically remove the container when it exits') as DockerCommand;
  cmd.action(async (args: string[], flags: RunFlags) => {
    requireArgs(cmd, args, { min: 1 });
    const [image = '', ...command] = args;
    const streams = attachedStreams(flags);
    if (flags.detach && (flags.attach ?? []).length > 0)
      throw new CliExit(125, 'berth: Conflicting options: -a and -d');
    if (flags.tty && streams.stdin && !ctx.stdin.isTTY) throw new CliExit(1, 'the input device is not a TTY');
    let id: string;
    try {
      id = await createContainer(ctx, image, command, flags);
    } catch (err) {
      if (err instanceof ApiError) throw new CliExit(125, `berth: Error response from daemon: ${err.message}`);
      if (err instanceof StreamError) throw new CliExit(125, `berth: ${err.message}`);
      throw err;
    }
    if (flags.detach) {
      try {
        await ctx.client.containers.start(id);
      } catch (err) {
        if (err instanceof ApiError)
          throw new CliExit(exitCodeFor(err.message), `berth: Error response from daemon: ${err.message}`);
        throw err;
      }
      ctx.out(`${id}\n`);
      return;
    }
    const { socket, multiplexed } = await ctx.client.hijack.containerAttach(id, {
      stream: true,
      stdin: streams.stdin,
      stdout: streams.stdout,
      stderr: streams.stderr,
      detachKeys: flags.detachKeys,
    });
    const waited = ctx.client.containers.wait(id, { condition: flags.rm ? 'removed' : 'next-exit' });
    // A failed start is reported below; the wait's own failure then means nothing.
    waited.catch(() => undefined);
    try {
      await ctx.client.containers.start(id);
    } catch (err) {
      socket.destroy();
      if (err instanceof ApiError)
        throw new CliExit(exitCodeFor(err.message), `berth: Error response from daemon: ${err.message}`);
      throw err;
    }
    const stopProxy = flags.sigProxy !== false && !flags.tty ? proxySignals(ctx, id) : () => undefined;
    let result: ContainerWait;
    try {
      const session = await runSession(ctx, {
        socket,
        multiplexed,
        tty: flags.tty ?? false,
        stdin: streams.stdin,
        detachKeys: flags.detachKeys,
        resize: (h, w) => ctx.client.containers.resize(id, { h, w }),
      });
      // Detached: the container runs on; docker says nothing and exits 0.
      if (session === 'detached') return;
      result = await waited;
    } finally {
      stopProxy();
    }
    if (result.StatusCode !== 0) throw new CliExit(result.StatusCode);
  });
  return cmd;
}

/** Docker's exit codes for start failures: 127 not found, 126 cannot run, 125 otherwise. */
export function exitCodeFor(message: string): number {
  if (/executable file not found|no such file or directory/i.test(message)) return 127;
  if (/permission denied|is a directory/i.test(message)) return 126;
  return 125;
}
