// 4. Memory as proportional set size: the idle daemon (berthd; dockerd + containerd), and what each running
// container adds (conmon; containerd-shim-runc-v2, plus any growth of the daemon itself).
import { setTimeout } from 'node:timers/promises';
import { alternate, type Outcome } from '../lib/runner.js';
import { totalPssKiB, totalUssKiB } from '../lib/memory.js';
import type { Engine } from '../engines/engine.js';
import { BUSYBOX, NO_NETWORK, cleaningUp, containerId, docker, inParallel, removeContainers } from './cli.js';
import type { Row, Workload } from './workload.js';

const CONTAINERS = 50;
const MiB = 1024;
/**
 * Idle means idle: both engines are left without requests this long before their memory is read. berthd gives
 * memory back after one quiet 10 s period (daemon/idle-memory-trim.ts); Go's runtime returns memory to the kernel
 * in the background as well.
 */
export const IDLE_SETTLE_MS = 25_000;

async function daemonPss(engine: Engine): Promise<number> {
  return (await totalPssKiB(await engine.daemonPids())) / MiB;
}

function idleWorkload(id: string, title: string, when: string, target: number): Workload {
  return {
    id,
    title,
    notes: [
      `PSS from /proc/PID/smaps_rollup, ${when}, after ${IDLE_SETTLE_MS / 1000} s without requests to either engine. Docker counts dockerd and the containerd it started.`,
    ],
    async run({ engines, quick, signal }) {
      await setTimeout(IDLE_SETTLE_MS, undefined, { signal });
      const sides = await alternate(
        { berth: () => daemonPss(engines.berth), docker: () => daemonPss(engines.docker) },
        { warmup: 0, n: Math.min(quick.n, 3), signal },
      );
      const uss = async (engine: Engine): Promise<string> =>
        `${((await totalUssKiB(await engine.daemonPids())) / MiB).toFixed(1)} MiB`;
      const note = `private memory (USS, not shared with any other process): berth ${await uss(engines.berth)}, docker ${await uss(engines.docker)}. PSS splits the node binary's pages with every other node process on the machine.`;
      return [{ id, metric: `idle daemon PSS, ${when}`, unit: 'MiB', ...sides, target, note }];
    },
  };
}

export const memoryIdle = idleWorkload(
  'memory-idle',
  '4a. Idle daemon memory',
  'right after start and image load',
  0.5,
);
export const memoryIdleAfter = idleWorkload(
  'memory-idle-after',
  '4c. Idle daemon memory after the workloads',
  'after all other workloads, no containers left',
  0.6,
);

interface PerContainer {
  total: number;
  supervisors: number;
}

async function perContainer(engine: Engine): Promise<PerContainer> {
  const before = await daemonPss(engine);
  const ids: string[] = [];
  return cleaningUp(engine, async () => {
    await inParallel(CONTAINERS, 5, async () => {
      ids.push(containerId(await docker(engine, ['run', '-d', ...NO_NETWORK, BUSYBOX, 'sleep', '3600'])));
    });
    const running = await docker(engine, ['ps', '-q', '--filter', 'status=running']);
    const count = running.stdout.split('\n').filter(Boolean).length;
    if (count !== CONTAINERS) throw new Error(`${count} containers running, expected ${CONTAINERS}`);
    const supervisorPids = await engine.supervisorPids();
    if (supervisorPids.length !== CONTAINERS)
      throw new Error(`found ${supervisorPids.length} per-container supervisors, expected ${CONTAINERS}`);
    const supervisors = (await totalPssKiB(supervisorPids)) / MiB;
    const after = await daemonPss(engine);
    await removeContainers(engine, ids);
    return { total: (after - before + supervisors) / CONTAINERS, supervisors: supervisors / CONTAINERS };
  });
}

export const memoryPerContainer: Workload = {
  id: 'memory-per-container',
  title: '4b. Memory per running container',
  notes: [
    `${CONTAINERS} \`busybox sleep 3600\` containers: (daemon PSS growth + all per-container supervisors' PSS) / ${CONTAINERS}.`,
    "The containers' own processes are the same on both engines and are not counted.",
  ],
  async run({ engines, heavy, signal }) {
    const supervisors: Record<'berth' | 'docker', number[]> = { berth: [], docker: [] };
    const sample =
      (side: 'berth' | 'docker') =>
      async (index: number): Promise<number> => {
        const result = await perContainer(engines[side]);
        if (index >= 0) supervisors[side].push(result.supervisors);
        return result.total;
      };
    const sides = await alternate(
      { berth: sample('berth'), docker: sample('docker') },
      { warmup: 0, n: heavy.n, signal },
    );
    const shares = (side: 'berth' | 'docker', outcome: Outcome): string =>
      outcome.kind === 'measured'
        ? `${side} supervisor alone ${(supervisors[side].reduce((a, b) => a + b, 0) / supervisors[side].length).toFixed(2)} MiB`
        : '';
    const note = [shares('berth', sides.berth), shares('docker', sides.docker)].filter(Boolean).join('; ');
    const row: Row = {
      id: 'memory-per-container',
      metric: `added PSS per running container (${CONTAINERS} up)`,
      unit: 'MiB',
      ...sides,
      target: 0.2,
      note,
    };
    return [row];
  },
};
