// Docker's engine on its own socket, data root, exec root and pidfile under the bench work dir, off the host
// network (no bridge, no iptables, no masquerade). dockerd 20.10 starts its own containerd child when no
// system containerd runs; both count as the daemon. Off the host's resolver too, as the test dockerd: the bench
// pulls only from 127.0.0.1, but dockerd asks the machine's nameserver for docker.io on a Hub-named pull (even one
// a mirror serves), so it runs in a mount namespace of its own whose /etc/resolv.conf names only a dead 127.0.0.1,
// and its containers get `--dns 127.0.0.1`. The code is test/helpers/offline-resolver.ts's, imported (bench/
// imports test helpers already: the registry, containerd and rootless workloads; no layer rule is broken).
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
import { offlineDockerd } from '../../test/helpers/offline-resolver.js';

/** networkArgs replace the default (off the host network), e.g. for the networking workload's own daemon. */
export async function startDockerd(
  workDir: string,
  label: string,
  signal?: AbortSignal,
  networkArgs = ['--bridge=none', '--iptables=false', '--ip-masq=false'],
): Promise<Engine> {
  await unmountAndRemove(workDir);
  await mkdir(join(workDir, 'cli'), { recursive: true });
  const socketPath = join(workDir, 'docker.sock');
  const execRoot = join(workDir, 'exec');
  const configFile = join(workDir, 'daemon.json');
  await writeFile(configFile, '{}\n');
  const args = [
    '-H',
    `unix://${socketPath}`,
    '--data-root',
    join(workDir, 'root'),
    '--exec-root',
    execRoot,
    '--pidfile',
    join(workDir, 'docker.pid'),
    '--config-file',
    configFile,
    ...networkArgs,
  ];
  // unshare and sh exec: the pid is dockerd's. Its mounts (layers, netns files) stay in its namespace and go with it.
  const command = offlineDockerd(workDir, args);
  const unregister = onCleanup('docker work dir', async () => {
    await killLeftovers(workDir);
    await unmountAndRemove(workDir);
  });
  const { child } = await startDaemonProcess(
    'unshare',
    command,
    join(workDir, '..', 'dockerd.log'),
    /API listen on /,
    signal,
  );
  const env = cliEnv(socketPath, join(workDir, 'cli'));
  const engine: Engine = {
    name: 'docker',
    label,
    socketPath,
    workDir,
    env,
    async daemonPids() {
      const containerd = (await findProcesses(['containerd'], execRoot)).filter(
        (p) => !p.comm.startsWith('containerd-shim'),
      );
      // A dockerd that found a system containerd uses it: its memory could not be told apart from others'.
      if (containerd.length === 0)
        throw new Error('dockerd runs on a containerd the bench did not start; its memory cannot be attributed');
      return [child.pid!, ...containerd.map((p) => p.pid)];
    },
    async supervisorPids() {
      return (await findProcesses(['containerd-shim'], execRoot)).map((p) => p.pid);
    },
    async stop() {
      await removeAllContainers(env);
      await stopProcess(child);
      await killLeftovers(workDir);
      await unmountAndRemove(workDir);
      unregister();
    },
  };
  onCleanup('dockerd', async () => {
    if (child.exitCode === null && child.signalCode === null) await engine.stop();
  });
  return engine;
}
