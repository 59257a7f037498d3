// 20. The Kubernetes CRI: `crictl runp` + `create` + `start` of a one-container pod on berthd's CRI and on
// containerd 1.6's CRI (its own socket and root, started here, as the anchor of the CRI's e2e tests), and memory
// per running pod. Pods use the host network, so the runtimes are compared, not CNI plugins. containerd's sandbox
// image is a catatonit pause built by berthd (as berth's own pause) and imported with `ctr`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { alternate } from '../lib/runner.js';
import { execOk } from '../lib/exec.js';
import { findProcesses, totalPssKiB } from '../lib/memory.js';
import { startContainerd, type TestContainerd } from '../../test/helpers/containerd.js';
import type { Workload } from './workload.js';

const CRICTL = join(process.env.BERTH_PEERS_DIR ?? '/var/cache/berth-peers', 'crictl');
const PAUSE = 'registry.k8s.io/pause:3.6';
const PODS_FOR_MEMORY = 10;
const MiB = 1024;

const crictl = (socket: string, args: string[]): Promise<{ stdout: string; ms: number }> =>
  execOk(CRICTL, ['--config', '/dev/null', '-r', `unix://${socket}`, '-i', `unix://${socket}`, ...args], {
    timeoutMs: 120_000,
  });

async function podFiles(dir: string, name: string): Promise<{ pod: string; container: string }> {
  await mkdir(dir, { recursive: true });
  const pod = join(dir, `${name}-pod.json`);
  const container = join(dir, `${name}-container.json`);
  await writeFile(
    pod,
    JSON.stringify({
      metadata: { name, namespace: 'bench', uid: `uid-${name}`, attempt: 1 },
      log_directory: join(dir, 'logs', name),
      linux: { security_context: { namespace_options: { network: 2 } } },
    }),
  );
  await writeFile(
    container,
    JSON.stringify({
      metadata: { name: 'sleeper', attempt: 0 },
      image: { image: 'busybox' },
      command: ['sleep', '3600'],
      log_path: 'sleeper.log',
      linux: {},
    }),
  );
  return { pod, container };
}

/** runp + create + start of one pod; the pod is removed after the clock stops. */
async function podStart(socket: string, dir: string, name: string): Promise<number> {
  const files = await podFiles(dir, name);
  const t0 = performance.now();
  const podId = (await crictl(socket, ['runp', files.pod])).stdout.trim();
  const id = (await crictl(socket, ['create', podId, files.container, files.pod])).stdout.trim();
  await crictl(socket, ['start', id]);
  const ms = performance.now() - t0;
  await crictl(socket, ['rmp', '-f', podId]);
  return ms;
}

export const criWorkload: Workload = {
  id: 'cri',
  title: '20. Kubernetes CRI (crictl, against containerd 1.6)',
  notes: [
    "The Docker column is containerd 1.6's CRI plugin on its own socket and root (dockerd's containerd has it off); pods use the host network.",
  ],
  async run({ engines, images, scratch, quick, signal }) {
    const berthSocket = join(engines.berth.workDir, 'exec', 'cri.sock');
    const dir = join(scratch, 'cri');
    // containerd: busybox and the pause image imported into its k8s.io namespace.
    await mkdir(join(dir, 'pause'), { recursive: true });
    await execOk('cp', ['/usr/bin/catatonit', join(dir, 'pause', 'pause')]);
    await writeFile(join(dir, 'pause', 'Dockerfile'), 'FROM scratch\nCOPY pause /pause\nENTRYPOINT ["/pause", "-P"]\n');
    await execOk('docker', ['build', '-q', '-t', PAUSE, join(dir, 'pause')], { env: engines.berth.env });
    await execOk('docker', ['save', '-o', join(dir, 'pause.tar'), PAUSE], { env: engines.berth.env });
    await execOk('docker', ['rmi', PAUSE], { env: engines.berth.env });
    const containerd: TestContainerd = await startContainerd({ sandboxImage: PAUSE });
    try {
      for (const tar of [join(dir, 'pause.tar'), images.busyboxTar])
        await execOk('ctr', ['--address', containerd.socketPath, '-n', 'k8s.io', 'images', 'import', tar]);
      const counts = { warmup: 1, n: quick.n };
      let i = 0;
      const start = await alternate(
        {
          berth: () => podStart(berthSocket, dir, `b${i++}`),
          docker: () => podStart(containerd.socketPath, dir, `c${i++}`),
        },
        { ...counts, signal },
      );
      // Memory per running pod: the daemon and its per-container supervisors, over PODS_FOR_MEMORY pods.
      const perPod = async (socket: string, pids: () => Promise<number[]>, prefix: string): Promise<number> => {
        const before = await totalPssKiB(await pids());
        const podIds: string[] = [];
        for (let p = 0; p < PODS_FOR_MEMORY; p++) {
          const files = await podFiles(dir, `${prefix}m${p}`);
          const podId = (await crictl(socket, ['runp', files.pod])).stdout.trim();
          const id = (await crictl(socket, ['create', podId, files.container, files.pod])).stdout.trim();
          await crictl(socket, ['start', id]);
          podIds.push(podId);
        }
        const during = await totalPssKiB(await pids());
        for (const podId of podIds) await crictl(socket, ['rmp', '-f', podId]);
        return (during - before) / PODS_FOR_MEMORY / MiB;
      };
      const memory = await alternate(
        {
          berth: () =>
            perPod(
              berthSocket,
              async () => [...(await engines.berth.daemonPids()), ...(await engines.berth.supervisorPids())],
              'b',
            ),
          docker: () =>
            perPod(
              containerd.socketPath,
              async () => [
                containerd.process.pid!,
                ...(await findProcesses(['containerd-shim'], containerd.dir)).map((p) => p.pid),
              ],
              'c',
            ),
        },
        { warmup: 0, n: 1, signal },
      );
      return [
        { id: 'cri-pod-start', metric: '`crictl runp` + `create` + `start` of a pod', unit: 'ms', ...start, target: 1 },
        { id: 'cri-pod-memory', metric: `memory per running pod (${PODS_FOR_MEMORY} pods)`, unit: 'MiB', ...memory },
      ];
    } finally {
      await containerd.cleanup();
    }
  },
};
