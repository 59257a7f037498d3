// berthd on its own socket, data root, exec root and pidfile under the bench work dir.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliEnv, type Engine } from './engine.js';
import {
  killLeftovers,
  removeAllContainers,
  startDaemonProcess,
  stopProcess,
  unmountAndRemove,
} from './daemon-process.js';
import { findProcesses } from '../lib/memory.js';
import { onCleanup } from '../lib/cleanup.js';

/** networkArgs replace the default (as the bench's dockerd: no bridge, no rules). */
export async function startBerthd(
  repoRoot: string,
  workDir: string,
  label: string,
  signal?: AbortSignal,
  networkArgs = ['--bridge=none', '--iptables=false'],
  profile?: { cpuProfileDir: string },
): Promise<Engine> {
  await unmountAndRemove(workDir);
  await mkdir(join(workDir, 'cli'), { recursive: true });
  const socketPath = join(workDir, 'berth.sock');
  await writeFile(join(workDir, 'daemon.json'), '{}\n');
  const args = [
    // BENCH_PROFILE: a V8 CPU profile of the whole run, written when berthd exits.
    ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile.cpuProfileDir] : []),
    join(repoRoot, 'bin/berthd'),
    '-H',
    `unix://${socketPath}`,
    '--data-root',
    join(workDir, 'root'),
    '--exec-root',
    join(workDir, 'exec'),
    '--pidfile',
    join(workDir, 'berthd.pid'),
    '--config-file',
    join(workDir, 'daemon.json'),
    '--log-level',
    // debug carries the per-operation phase timings (src/lib/phases.ts) that the profile report summarises.
    profile ? 'debug' : 'info',
    // As the bench's dockerd (--bridge=none --iptables=false): loopback-only containers, no rules.
    ...networkArgs,
    // dockerd serves no web UI: compare the engines alone (and never clash over the default 127.0.0.1:9900).
    '--dashboard',
    'off',
  ];
  const unregister = onCleanup('berth work dir', async () => {
    await killLeftovers(workDir);
    await unmountAndRemove(workDir);
  });
  const { child } = await startDaemonProcess(
    process.execPath,
    args,
    join(workDir, '..', 'berthd.log'),
    /"msg":"API listening"/,
    signal,
  );
  const env = cliEnv(socketPath, join(workDir, 'cli'));
  const engine: Engine = {
    name: 'berth',
    label,
    socketPath,
    workDir,
    env,
    logFile: join(workDir, '..', 'berthd.log'),
    async daemonPids() {
      return [child.pid!];
    },
    async supervisorPids() {
      return (await findProcesses(['conmon'], workDir)).map((p) => p.pid);
    },
    async stop() {
      await removeAllContainers(env);
      await stopProcess(child);
      await killLeftovers(workDir);
      await unmountAndRemove(workDir);
      unregister();
    },
  };
  onCleanup('berthd', async () => {
    if (child.exitCode === null && child.signalCode === null) await engine.stop();
  });
  return engine;
}
