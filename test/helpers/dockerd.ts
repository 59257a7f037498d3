// Docker's own engine (docker.io) on private roots and its own socket, as the reference tests compare berth
// with. Without networking (the default) it has no bridge and no iptables rules; with `network: true` it gets
// a bridge and an address pool no other test daemon uses, still without iptables (published ports go
// through docker-proxy); with `netns: true` it runs in a network namespace of its own with all its defaults
// (bridges, iptables and ip6tables rules live and die with the namespace). It always runs in a mount namespace of
// its own: its /etc/resolv.conf answers nothing (helpers/offline-resolver.ts) and `--dns` names that dead loopback
// address for its containers, so neither dockerd (a pull no mirror serves, its lookup of docker.io during a
// mirrored pull) nor a container's lookup of an unknown name reaches the machine's nameserver; with `binds` more
// host paths are replaced there by test files (e.g. /etc/docker/certs.d, which dockerd reads from no other place),
// the host's own files untouched. Everything it made on the host (bridges, mounts) is removed at stop. A restart
// goes through the same start on the roots a `stop({ keepRoots: true })` left (`dir`), so it gets the same set-up.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { reserveOctet } from './octets.js';
import { stopAtExit } from './teardown.js';
import { offlineDockerd } from './offline-resolver.js';

export const hasDockerd = (): boolean => existsSync('/usr/sbin/dockerd') || existsSync('/usr/bin/dockerd');

export interface DockerEngine {
  /** Its roots, socket and pidfile: `dir` of a restart on them. */
  dir: string;
  socketPath: string;
  /** DOCKER_HOST/BERTH_HOST pointing at this engine, on top of process.env. */
  env: NodeJS.ProcessEnv;
  logs(): string;
  /** Runs a command where the engine's bridges and rules are (its network namespace with `netns`). */
  inNetns(cmd: string, args: string[]): string;
  /** Stops it and removes everything it made; with keepRoots, only stops it (for a restart on `dir`). */
  stop(options?: { keepRoots?: boolean }): Promise<void>;
}

export interface DockerdOptions {
  /** A bridge of its own for the default network, and user networks from a private pool. */
  network?: boolean;
  /** In a network namespace of its own, networking as by default there (unreachable from the host's). */
  netns?: boolean;
  /** Appended to dockerd's flags (e.g. `--add-runtime`). */
  extraArgs?: string[];
  /** target -> source: bind mounts seen by this dockerd only (its own mount namespace). */
  binds?: Record<string, string>;
  /** The directory of a dockerd stopped with keepRoots: started again on its roots (and its bridge, with `network`). */
  dir?: string;
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping' }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

function get(socketPath: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

interface PrivateNet {
  bridge: string;
  octet: number;
  release(): void;
}

/** A bridge name and 10.X.0.0/16 that no other test network uses (helpers/octets.ts). */
function privateNet(): PrivateNet {
  const { octet, release } = reserveOctet();
  return { bridge: `dk${randomInt(0, 0xffffff).toString(16).padStart(6, '0')}`, octet, release };
}

const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: 'ignore' });

/** What a dockerd stopped with keepRoots leaves to the next start on its `dir`: its bridge, made by this helper. */
const keptNets = new Map<string, PrivateNet | undefined>();

export async function startDockerd(options: DockerdOptions = {}): Promise<DockerEngine> {
  if (options.dir !== undefined && !keptNets.has(options.dir))
    throw new Error(`startDockerd: ${options.dir} is no dockerd's roots kept by stop({ keepRoots: true })`);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'berth-dockerd-'));
  const socketPath = join(dir, 'docker.sock');
  const kept = keptNets.get(dir);
  keptNets.delete(dir);
  if (options.dir !== undefined && Boolean(kept) !== Boolean(options.network && !options.netns))
    throw new Error('startDockerd: a restart on kept roots takes the network options of the first start');
  const net = kept ?? (options.network && !options.netns ? privateNet() : undefined);
  const netArgs = options.netns
    ? []
    : net
      ? [
          `--bridge=${net.bridge}`,
          `--default-address-pool=base=10.${net.octet}.0.0/16,size=24`,
          '--ip=127.0.0.1',
          '--iptables=false',
          '--ip-masq=false',
        ]
      : ['--bridge=none', '--iptables=false', '--ip-masq=false'];
  if (net && !kept) {
    // dockerd creates only a bridge of the default name; one of another name must exist.
    ip('link', 'add', net.bridge, 'type', 'bridge');
    ip('addr', 'add', `10.${net.octet}.255.1/24`, 'dev', net.bridge);
    ip('link', 'set', net.bridge, 'up');
  }
  const args = [
    '-H',
    `unix://${socketPath}`,
    '--data-root',
    join(dir, 'root'),
    '--exec-root',
    join(dir, 'exec'),
    '--pidfile',
    join(dir, 'pid'),
    ...netArgs,
    ...(options.extraArgs ?? []),
  ];
  const command = offlineDockerd(dir, args, {
    binds: options.binds,
    ...(options.netns ? { unshareFlags: ['-n'], setup: ['ip link set lo up'] } : {}),
  });
  const child: ChildProcess = spawn('unshare', command, { stdio: ['ignore', 'ignore', 'pipe'] });
  stopAtExit(child);
  let log = '';
  const networkBridges = async (): Promise<string[]> => {
    try {
      const list = JSON.parse(await get(socketPath, '/networks')) as { Id: string; Driver: string; Name: string }[];
      return list.filter((n) => n.Driver === 'bridge' && n.Name !== 'bridge').map((n) => `br-${n.Id.slice(0, 12)}`);
    } catch {
      return [];
    }
  };
  const cleanup = async ({ keepRoots = false } = {}): Promise<void> => {
    const bridges = net && !keepRoots && child.exitCode === null ? await networkBridges() : [];
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    if (keepRoots) {
      // Its mounts died with its mount namespace; its networks' bridges stay for the next start.
      keptNets.set(dir, net);
      return;
    }
    for (const name of [...bridges, ...(net ? [net.bridge] : [])]) {
      if (existsSync(`/sys/class/net/${name}`)) ip('link', 'del', name);
    }
    net?.release();
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '')
      .filter((m) => m.startsWith(`${dir}/`));
    for (const m of mounts.sort().reverse()) execFileSync('umount', ['-l', m], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        log += chunk;
        if (log.includes('API listen on')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`dockerd exited with ${code}:\n${log}`)));
    });
    if (!(await ping(socketPath))) throw new Error(`dockerd does not answer:\n${log}`);
  } catch (err) {
    await cleanup();
    throw err;
  }
  return {
    dir,
    socketPath,
    env: { ...process.env, DOCKER_HOST: `unix://${socketPath}`, BERTH_HOST: `unix://${socketPath}` },
    logs: () => log,
    inNetns: (cmd, args) =>
      options.netns
        ? execFileSync('nsenter', ['-t', String(child.pid), '-n', cmd, ...args], { encoding: 'utf8' })
        : execFileSync(cmd, args, { encoding: 'utf8' }),
    stop: cleanup,
  };
}
