// 20. The Kubernetes CRI: `crictl runp` + `create` + `start` of a one-container pod on berthd's CRI and on
// containerd 1.6's CRI (its own socket and root, started here, as the anchor of the CRI's e2e tests), and memory
// per running pod. Pods use the host network, so the runtimes are compared, not CNI plugins. containerd's sandbox
// image is a catatonit pause built by berthd (as berth's own pause) and imported with `ctr`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { alternate, type Outcome } from '../lib/runner.js';
import { execOk } from '../lib/exec.js';
import { findProcesses, totalPssKiB } from '../lib/memory.js';
import { startContainerd, type TestContainerd } from '../../test/helpers/containerd.js';
import type { Workload } from './workload.js';
import { IDLE_SETTLE_MS } from './memory.js';

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

type PodSide = { socket: string; pids: () => Promise<number[]> };

/**
 * Memory per running pod: the daemon and its per-pod supervisors, PSS with PODS_FOR_MEMORY pods running less PSS
 * with none, over PODS_FOR_MEMORY. Both readings are taken after IDLE_SETTLE_MS without calls, as the idle rows
 * are (berthd collects its heap and trims malloc once a burst of calls is over; Go returns memory in the
 * background): read right after the calls, a collection of berthd's heap in between swung the figure from 1.12 to
 * -0.73 MiB. Both engines settle in the same waits.
 */
async function memoryPerPod(
  sides: { berth: PodSide; docker: PodSide },
  dir: string,
  signal: AbortSignal,
): Promise<{ berth: Outcome; docker: Outcome }> {
  const names = ['berth', 'docker'] as const;
  const pss = async (side: PodSide): Promise<number> => totalPssKiB(await side.pids());
  const pods: Record<'berth' | 'docker', string[]> = { berth: [], docker: [] };
  const errors: Partial<Record<'berth' | 'docker', string>> = {};
  const before: Record<'berth' | 'docker', number> = { berth: 0, docker: 0 };
  await setTimeout(IDLE_SETTLE_MS, undefined, { signal });
  for (const name of names) before[name] = await pss(sides[name]);
  for (const name of names)
    try {
      for (let p = 0; p < PODS_FOR_MEMORY; p++) {
        const files = await podFiles(dir, `${name[0]}m${p}`);
        const podId = (await crictl(sides[name].socket, ['runp', files.pod])).stdout.trim();
        pods[name].push(podId);
        const id = (await crictl(sides[name].socket, ['create', podId, files.container, files.pod])).stdout.trim();
        await crictl(sides[name].socket, ['start', id]);
      }
    } catch (err) {
      errors[name] = (err as Error).message;
    }
  await setTimeout(IDLE_SETTLE_MS, undefined, { signal });
  const outcome = async (name: 'berth' | 'docker'): Promise<Outcome> => {
    const error = errors[name];
    if (error !== undefined) return { kind: 'failed', error };
    return { kind: 'measured', samples: [((await pss(sides[name])) - before[name]) / PODS_FOR_MEMORY / MiB] };
  };
  const result = { berth: await outcome('berth'), docker: await outcome('docker') };
  for (const name of names) for (const podId of pods[name]) await crictl(sides[name].socket, ['rmp', '-f', podId]);
  return result;
}

export const criWorkload: Workload = {
  id: 'cri',
  title: '20. Kubernetes CRI (crictl, against containerd 1.6)',
  notes: [
    "The Docker column is containerd 1.6's CRI plugin on its own socket and root (dockerd's containerd has it off); pods use the host network.",
    `Memory per pod: PSS of the daemon and its per-pod supervisors, read with no pod and with ${PODS_FOR_MEMORY} running, each time after ${IDLE_SETTLE_MS / 1000} s without calls to either engine.`,
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
      const memory = await memoryPerPod(
        {
          berth: {
            socket: berthSocket,
            pids: async () => [...(await engines.berth.daemonPids()), ...(await engines.berth.supervisorPids())],
          },
          docker: {
            socket: containerd.socketPath,
            pids: async () => [
              containerd.process.pid!,
              ...(await findProcesses(['containerd-shim'], containerd.dir)).map((p) => p.pid),
            ],
          },
        },
        dir,
        signal,
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
