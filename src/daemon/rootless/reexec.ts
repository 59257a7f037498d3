// A berthd started by an ordinary user runs itself again under rootlesskit, which makes the user namespace
// (mapped from /etc/subuid and /etc/subgid through newuidmap/newgidmap), a mount namespace with /etc and /run
// copied up so they can be written, and a network namespace behind slirp4netns with port forwarding. Inside,
// berthd is uid 0 of that namespace and runs as it does as root, with the rootless defaults.
import { spawn } from 'node:child_process';
import type { RootlessPaths } from './paths.js';

/** Set in the environment of the berthd that runs inside rootlesskit. */
export const ROOTLESS_CHILD_ENV = '_BERTH_ROOTLESS_CHILD';

/** This process is the berthd inside rootlesskit's namespaces. */
export const isRootlessChild = (env: NodeJS.ProcessEnv): boolean =>
  env[ROOTLESS_CHILD_ENV] === '1' && env.ROOTLESSKIT_STATE_DIR !== undefined;

export function rootlesskitArgs(paths: RootlessPaths, network: 'slirp4netns' | 'pasta', berthd: string[]): string[] {
  return [
    `--state-dir=${paths.rootlesskitStateDir}`,
    `--net=${network}`,
    '--mtu=65520',
    // The host's loopback (10.0.2.2) is not reachable from the namespace: a container cannot reach services
    // the host binds on 127.0.0.1 (Docker's dockerd-rootless.sh sets the same by default).
    '--disable-host-loopback',
    // The port driver in rootlesskit's own process: no extra process per port, but the source address is lost.
    '--port-driver=builtin',
    '--copy-up=/etc',
    '--copy-up=/run',
    // Mounts made on the host (a new USB disk, a bind) still show inside.
    '--propagation=rslave',
    ...berthd,
  ];
}

/** Runs berthd again under rootlesskit and exits with its status; signals are passed on. */
export function runUnderRootlesskit(
  rootlesskit: string,
  paths: RootlessPaths,
  network: 'slirp4netns' | 'pasta',
  argv: string[],
): Promise<never> {
  const child = spawn(
    rootlesskit,
    rootlesskitArgs(paths, network, [process.execPath, ...process.execArgv, ...argv.slice(1)]),
    {
      stdio: 'inherit',
      env: { ...process.env, [ROOTLESS_CHILD_ENV]: '1' },
    },
  );
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  return new Promise<never>(() => {
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
    child.on('error', (err) => {
      process.stderr.write(`berthd: cannot run rootlesskit: ${err.message}\n`);
      process.exit(1);
    });
  });
}
