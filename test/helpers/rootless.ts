// A throwaway ordinary user for rootless tests: made with useradd (subuid/subgid ranges, XDG_RUNTIME_DIR),
// commands run as it through setpriv (exec, no intermediate process, so signals reach the command itself),
// and removed afterwards with every process it left.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, chownSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BERTH, BERTHD } from './daemon.js';
import { run, type RunOptions, type RunResult } from './run.js';
import { stopAtExit } from './teardown.js';

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  runtimeDir: string;
  /** The environment the user's commands get (nothing of root's but PATH). */
  env: NodeJS.ProcessEnv;
  /** First id of the user's subuid range (uid 1 inside a container is this on the host). */
  subuidStart(): number;
  /** First id of the user's subgid range. */
  subgidStart(): number;
  addSubIds(): void;
  removeSubIds(): void;
  remove(): void;
}

const SUBIDS = 65536;

/** The first id after every range /etc/subuid and /etc/subgid hand out, so a new range overlaps none. */
function freeSubIdStart(): number {
  let end = 100000;
  for (const file of ['/etc/subuid', '/etc/subgid']) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    for (const line of text.split('\n')) {
      const [, start, count] = line.split(':');
      if (start && count) end = Math.max(end, Number(start) + Number(count));
    }
  }
  return end;
}

const pidsOf = (uids: (uid: number) => boolean): number[] =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
        return uids(uid);
      } catch {
        return false;
      }
    })
    .map(Number);

export function createTestUser(): TestUser {
  const name = `berthrl${randomBytes(3).toString('hex')}`;
  execFileSync('useradd', ['--create-home', '--shell', '/bin/sh', name]);
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  const home = `/home/${name}`;
  const runtimeDir = `/run/user/${uid}`;
  mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  chownSync(runtimeDir, uid, gid);
  chmodSync(runtimeDir, 0o700);
  const rangesOf = (file = '/etc/subuid'): string =>
    readFileSync(file, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${name}:`)) ?? '';
  const user: TestUser = {
    name,
    uid,
    gid,
    home,
    runtimeDir,
    env: {
      HOME: home,
      USER: name,
      LOGNAME: name,
      PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
      XDG_RUNTIME_DIR: runtimeDir,
      DOCKER_CLI_HINTS: 'false',
    },
    subuidStart: () => Number(rangesOf().split(':')[1]),
    subgidStart: () => Number(rangesOf('/etc/subgid').split(':')[1]),
    addSubIds() {
      if (rangesOf()) return;
      const start = freeSubIdStart();
      const range = `${start}-${start + SUBIDS - 1}`;
      execFileSync('usermod', ['--add-subuids', range, '--add-subgids', range, name]);
    },
    removeSubIds() {
      // useradd may have given ranges already (login.defs SUB_UID_COUNT); the check is tested without them.
      execFileSync('sed', ['-i', `/^${name}:/d`, '/etc/subuid', '/etc/subgid']);
    },
    remove() {
      const start = user.subuidStart();
      const ours = (u: number): boolean => u === uid || (start > 0 && u >= start && u < start + SUBIDS);
      // Every process of the user or of its mapped ids (containers, conmons, rootlesskit), by pid.
      for (let round = 0; round < 5; round++) {
        const pids = pidsOf(ours);
        if (pids.length === 0) break;
        for (const pid of pids) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
        execFileSync('sleep', ['0.2']);
      }
      user.removeSubIds();
      execFileSync('userdel', ['--remove', name], { stdio: 'ignore' });
      rmSync(home, { recursive: true, force: true });
      rmSync(runtimeDir, { recursive: true, force: true });
    },
  };
  return user;
}

/** argv that runs a command as the user with the user's environment only. */
export const asUserArgv = (user: TestUser, argv: string[], env: NodeJS.ProcessEnv = {}): string[] => [
  `--reuid=${user.uid}`,
  `--regid=${user.gid}`,
  '--init-groups',
  'env',
  '-i',
  ...Object.entries({ ...user.env, ...env }).map(([k, v]) => `${k}=${v ?? ''}`),
  ...argv,
];

export const asUser = (user: TestUser, argv: string[], options: RunOptions = {}): Promise<RunResult> =>
  run('setpriv', asUserArgv(user, argv, options.env), { ...options, env: process.env });

export const dockerAs = (user: TestUser, args: string[], options: RunOptions = {}): Promise<RunResult> =>
  asUser(user, ['docker', ...args], options);

export const berthAs = (user: TestUser, args: string[], options: RunOptions = {}): Promise<RunResult> =>
  asUser(user, [process.execPath, BERTH, ...args], options);

/** slirp4netns and pasta open /dev/net/tun; Debian's udev makes it 0666, a machine without udev may not. */
export function ensureTunUsable(): void {
  if (!existsSync('/dev/net/tun')) return;
  if ((statSync('/dev/net/tun').mode & 0o006) !== 0o006) chmodSync('/dev/net/tun', 0o666);
}

export interface RootlessDaemon {
  process: ChildProcess;
  socketPath: string;
  dataRoot: string;
  /** rootlesskit's child (the holder of the user, mount and network namespaces berthd runs in). */
  namespacePid(): number;
  /** The berthd serving the socket (inside the namespaces; the process started waits for it). */
  daemonPid(): number;
  logs(): string;
  stop(): Promise<number | null>;
}

/** berthd started by the user with no root flags: it must find its own roots and socket. */
export async function startRootlessDaemon(user: TestUser, extraArgs: string[] = []): Promise<RootlessDaemon> {
  const child = spawn(
    'setpriv',
    // bin/berthd itself, not `node bin/berthd`: its shebang carries berthd's V8 flags.
    asUserArgv(user, [
      BERTHD,
      '--log-level',
      'debug',
      '--blocked-registry',
      'docker.io',
      '--dashboard',
      'off',
      ...extraArgs,
    ]),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  stopAtExit(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('"msg":"API listening"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`rootless berthd exited with ${code} before listening:\n${stderr}`)));
  });
  await ready;
  return {
    process: child,
    socketPath: join(user.runtimeDir, 'berth.sock'),
    dataRoot: join(user.home, '.local/share/berth'),
    namespacePid: () => Number(readFileSync(join(user.runtimeDir, 'berth-rootlesskit', 'child_pid'), 'utf8').trim()),
    daemonPid: () => Number(readFileSync(join(user.runtimeDir, 'berth', 'berthd.pid'), 'utf8').trim()),
    logs: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const done = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await done) as [number | null];
      return code;
    },
  };
}

/** rootlesskit processes (not their children) running with the user's berth state dir. */
export function rootlesskitsOf(user: TestUser): number[] {
  const stateDirFlag = `--state-dir=${join(user.runtimeDir, 'berth-rootlesskit')}`;
  return pidsOf((uid) => uid === user.uid).filter((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return argv[0]?.endsWith('rootlesskit') === true && argv.includes(stateDirFlag);
    } catch {
      return false;
    }
  });
}
