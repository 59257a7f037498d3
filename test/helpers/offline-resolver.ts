// Docker's engine and the docker CLI resolve names with the host's resolver: dockerd looked up `docker.io` on every
// Docker Hub pull, even one its loopback mirror answered, and the CLI looks a registry's host name up before a pull.
// Tests never send traffic beyond this machine, so the test dockerd (and the CLI where a test pulls a public name)
// runs in a mount namespace of its own whose /etc/resolv.conf names 127.0.0.1, where nothing answers DNS
// (helpers/net.ts's fake upstreams take 127.x.y.z with x >= 1): a lookup fails at once and locally instead of
// leaving. (The test containerd stays in the host's: see helpers/containerd.ts.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type RunOptions, type RunResult } from './run.js';

/** The nameserver the engines see: a loopback address nothing listens on for DNS. */
export const DEAD_NAMESERVER = '127.0.0.1';

/**
 * Writes `dir/resolv.conf`: the host's search and options lines (so containers that copy it see what they saw
 * before), and DEAD_NAMESERVER as the only nameserver. Returns its path, to bind over /etc/resolv.conf.
 */
export function writeOfflineResolvConf(dir: string): string {
  let host = '';
  try {
    host = readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    // No host file: only the nameserver line.
  }
  const kept = host.split('\n').filter((line) => /^\s*(search|domain|options)\s/.test(line));
  const path = join(dir, 'resolv.conf');
  writeFileSync(path, [...kept, `nameserver ${DEAD_NAMESERVER}`, ''].join('\n'));
  return path;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * `unshare` arguments that run `command args...` in a mount namespace of its own where each target is bound over by
 * its source (e.g. /etc/resolv.conf), the host's files untouched. unshare and sh exec, so the pid is the command's.
 */
export function inPrivateMounts(
  binds: Record<string, string>,
  command: string,
  args: string[],
  unshareFlags: string[] = [],
  setup: string[] = [],
): string[] {
  const steps = [
    ...setup,
    ...Object.entries(binds).map(([target, source]) => `mount --bind ${quote(source)} ${quote(target)}`),
  ];
  return [
    ...unshareFlags,
    '-m',
    // slave: mounts the host makes later (a test's tmpfs, a volume) still show; none made here goes back.
    '--propagation',
    'slave',
    'sh',
    '-c',
    `${steps.join(' && ')} && exec ${quote(command)} "$@"`,
    'sh',
    ...args,
  ];
}

/**
 * `unshare` arguments that run `dockerd args...` offline: its /etc/resolv.conf is `dir/resolv.conf` (written here,
 * naming only DEAD_NAMESERVER), more `binds` beside it, and `--dns DEAD_NAMESERVER` for its containers (the default
 * bridge's nameserver and the embedded DNS's upstream) unless `args` name a --dns: without it dockerd would give them
 * 8.8.8.8 in place of a loopback-only resolv.conf. Shared by the test dockerd (helpers/dockerd.ts) and the bench's.
 */
export function offlineDockerd(
  dir: string,
  args: string[],
  more: { binds?: Record<string, string>; unshareFlags?: string[]; setup?: string[] } = {},
): string[] {
  const dns = args.some((a) => /^--dns(=|$)/.test(a)) ? [] : ['--dns', DEAD_NAMESERVER];
  const binds = { '/etc/resolv.conf': writeOfflineResolvConf(dir), ...more.binds };
  return inPrivateMounts(binds, 'dockerd', [...args, ...dns], more.unshareFlags, more.setup);
}

let processResolvConf: string | undefined;

/** One offline resolv.conf for this test process, removed at its exit. */
function offlineResolvConf(): string {
  if (!processResolvConf) {
    const dir = mkdtempSync(join(tmpdir(), 'berth-offline-resolver-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    processResolvConf = writeOfflineResolvConf(dir);
  }
  return processResolvConf;
}

/**
 * The real docker CLI, seeing the offline resolver: before a pull, push or login it looks the registry's host name
 * up itself (moby's registry package asks whether the host's addresses are in an insecure range; docker.io and
 * IP addresses excepted), so `docker pull gcr.io/...` asked the machine's nameserver even with the daemon
 * mirroring gcr.io on loopback. Needs root (a mount namespace), as the e2e tests do.
 */
export const dockerOffline = (
  env: NodeJS.ProcessEnv,
  args: string[],
  options: Omit<RunOptions, 'env'> = {},
): Promise<RunResult> =>
  run('unshare', inPrivateMounts({ '/etc/resolv.conf': offlineResolvConf() }, 'docker', args), {
    ...options,
    env: { ...env, DOCKER_CLI_HINTS: 'false' },
  });
