// A berthd started by an ordinary user runs itself again in the namespaces rootlesskit makes (namespace-holder.ts):
// the user namespace (mapped from /etc/subuid and /etc/subgid through newuidmap/newgidmap), a mount namespace with
// /etc and /run copied up so they can be written, and a network namespace behind slirp4netns with port forwarding.
// Inside, berthd is uid 0 of that namespace and runs as it does as root, with the rootless defaults.
import { spawn } from 'node:child_process';
import type { RootlessPaths } from './paths.js';
import { stopUnit, unitInUse } from './namespace-holder.js';

/** Set in the environment of the berthd that runs inside rootlesskit. */
export const ROOTLESS_CHILD_ENV = '_BERTH_ROOTLESS_CHILD';

/** This process is the berthd inside rootlesskit's namespaces. */
export const isRootlessChild = (env: NodeJS.ProcessEnv): boolean =>
  env[ROOTLESS_CHILD_ENV] === '1' && env.ROOTLESSKIT_STATE_DIR !== undefined;

/**
 * Runs berthd again inside the holder's user, mount and network namespaces and exits with its status; signals
 * are passed on. util-linux's nsenter does the setns calls before it execs node (a running node is multithreaded
 * and cannot enter a user namespace), so the berthd inside is nsenter's process itself: its pid is the daemon's.
 * A berthd that stopped cleanly (SIGTERM) with no container left ends the unit.
 */
export function runInNamespaces(
  nsenter: string,
  holderPid: number,
  paths: RootlessPaths,
  argv: string[],
): Promise<never> {
  const child = spawn(
    nsenter,
    [
      `--target=${holderPid}`,
      '--user',
      '--preserve-credentials',
      '--mount',
      '--net',
      `--wd=${process.cwd()}`,
      '--',
      process.execPath,
      ...process.execArgv,
      ...argv.slice(1),
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, [ROOTLESS_CHILD_ENV]: '1', ROOTLESSKIT_STATE_DIR: paths.rootlesskitStateDir },
    },
  );
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  return new Promise<never>(() => {
    child.on('exit', (code, signal) => {
      if (code === 0 && !unitInUse(holderPid)) stopUnit(paths.rootlesskitStateDir);
      process.exit(code ?? (signal === 'SIGKILL' ? 128 + 9 : 128 + 15));
    });
    child.on('error', (err) => {
      process.stderr.write(`berthd: cannot run nsenter: ${err.message}\n`);
      process.exit(1);
    });
  });
}
