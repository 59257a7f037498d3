// 4. Memory as proportional set size: the idle daemon (berthd; dockerd + containerd), and what each running
// container adds (conmon; containerd-shim-runc-v2, plus any growth of the daemon itself).
import { setTimeout } from 'node:timers/promises';
import { alternate, type Outcome } from '../lib/runner.js';
import { totalPssKiB, totalUssKiB } from '../lib/memory.js';
import type { Engine } from '../engines/engine.js';
import { BUSYBOX, NO_NETWORK, containerId, docker, inParallel, removeContainers } from './cli.js';
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

type Side = 'berth' | 'docker';
const SIDES: Side[] = ['berth', 'docker'];

/**
 * One sample of each engine: the daemon's PSS with no container and with CONTAINERS running, both read after
 * IDLE_SETTLE_MS without requests, as the idle rows are (read right after the starts, the figure was the garbage
 * of the burst: berthd collects its heap and trims malloc once a burst is over, Go returns memory in the
 * background); plus every per-container supervisor's PSS. Both engines settle in the same waits.
 */
async function perContainerRound(
  engines: Record<Side, Engine>,
  signal: AbortSignal,
): Promise<Record<Side, { total: number; supervisors: number } | { error: string }>> {
  const ids: Record<Side, string[]> = { berth: [], docker: [] };
  const before: Record<Side, number> = { berth: 0, docker: 0 };
  const errors: Partial<Record<Side, string>> = {};
  await setTimeout(IDLE_SETTLE_MS, undefined, { signal });
  for (const side of SIDES) before[side] = await daemonPss(engines[side]);
  try {
    for (const side of SIDES)
      try {
        const engine = engines[side];
        await inParallel(CONTAINERS, 5, async () => {
          ids[side].push(containerId(await docker(engine, ['run', '-d', ...NO_NETWORK, BUSYBOX, 'sleep', '3600'])));
        });
        const running = await docker(engine, ['ps', '-q', '--filter', 'status=running']);
        const count = running.stdout.split('\n').filter(Boolean).length;
        if (count !== CONTAINERS) throw new Error(`${count} containers running, expected ${CONTAINERS}`);
      } catch (err) {
        errors[side] = (err as Error).message;
      }
    await setTimeout(IDLE_SETTLE_MS, undefined, { signal });
    const result = {} as Record<Side, { total: number; supervisors: number } | { error: string }>;
    for (const side of SIDES) {
      const error = errors[side];
      if (error !== undefined) {
        result[side] = { error };
        continue;
      }
      const supervisorPids = await engines[side].supervisorPids();
      if (supervisorPids.length !== CONTAINERS) {
        result[side] = { error: `found ${supervisorPids.length} per-container supervisors, expected ${CONTAINERS}` };
        continue;
      }
      const supervisors = (await totalPssKiB(supervisorPids)) / MiB;
      const after = await daemonPss(engines[side]);
      result[side] = {
        total: (after - before[side] + supervisors) / CONTAINERS,
        supervisors: supervisors / CONTAINERS,
      };
    }
    return result;
  } finally {
    for (const side of SIDES) await removeContainers(engines[side], ids[side]);
  }
}

export const memoryPerContainer: Workload = {
  id: 'memory-per-container',
  title: '4b. Memory per running container',
  notes: [
    `${CONTAINERS} \`busybox sleep 3600\` containers: (daemon PSS growth + all per-container supervisors' PSS) / ${CONTAINERS}; the daemon read with none and with ${CONTAINERS} running, each time after ${IDLE_SETTLE_MS / 1000} s without requests to either engine.`,
    "The containers' own processes are the same on both engines and are not counted.",
  ],
  async run({ engines, heavy, signal }) {
    const samples: Record<Side, number[]> = { berth: [], docker: [] };
    const supervisors: Record<Side, number[]> = { berth: [], docker: [] };
    const errors: Partial<Record<Side, string>> = {};
    for (let round = 0; round < heavy.n; round++) {
      const result = await perContainerRound(engines, signal);
      for (const side of SIDES) {
        const r = result[side];
        if ('error' in r) errors[side] ??= r.error;
        else {
          samples[side].push(r.total);
          supervisors[side].push(r.supervisors);
        }
      }
    }
    const outcome = (side: Side): Outcome =>
      samples[side].length > 0
        ? { kind: 'measured', samples: samples[side] }
        : { kind: 'failed', error: errors[side] ?? 'no sample' };
    const sides = { berth: outcome('berth'), docker: outcome('docker') };
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const note = SIDES.filter((side) => supervisors[side].length > 0)
      .map((side) => `${side} supervisor alone ${mean(supervisors[side]).toFixed(2)} MiB`)
      .join('; ');
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
