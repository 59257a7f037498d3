// Idle CPU: what an engine burns with 50 containers running and nothing asked of it, with health checks off and
// on, as CPU seconds per minute. The engine's daemon processes are put in a CPU accounting cgroup of their own
// before the containers start (lib/cpu-group.ts), so the count holds everything the engine runs for them: berthd,
// the conmons and the daemonized conmons of health-check execs; dockerd, containerd, the shims; runc. The
// containers' own processes are in their own cgroups and are not counted.
import type { Engine } from '../engines/engine.js';
import { CpuGroup } from '../lib/cpu-group.js';
import { BUSYBOX, NO_NETWORK, cleaningUp, containerId, docker, inParallel, removeContainers } from './cli.js';
import { failed, type Row, type Workload } from './workload.js';
import type { Outcome } from '../lib/runner.js';

const CONTAINERS = 50;
const WINDOW_MS = 30_000;
const HEALTH = ['--health-cmd', 'true', '--health-interval', '10s', '--health-timeout', '5s'];

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
  });
}

/** CPU milliseconds per minute of the engine over one window with `CONTAINERS` containers up. */
async function idleCpu(engine: Engine, health: boolean, signal: AbortSignal): Promise<number> {
  const group = await CpuGroup.around(`berth-bench-${process.pid}-${engine.name}`, await engine.daemonPids());
  const ids: string[] = [];
  try {
    return await cleaningUp(engine, async () => {
      await inParallel(CONTAINERS, 5, async () => {
        const args = ['run', '-d', ...NO_NETWORK, ...(health ? HEALTH : []), BUSYBOX, 'sleep', '3600'];
        ids.push(containerId(await docker(engine, args)));
      });
      const supervisors = await engine.supervisorPids();
      if (supervisors.length < CONTAINERS)
        throw new Error(`found ${supervisors.length} supervisors, expected ${CONTAINERS}`);
      const before = await group.seconds();
      await pause(WINDOW_MS, signal);
      const used = (await group.seconds()) - before;
      await removeContainers(engine, ids);
      return (used * 1000 * 60_000) / WINDOW_MS;
    });
  } finally {
    await group.close();
  }
}

/** One window per side, berth then Docker. */
async function measure(
  engines: { berth: Engine; docker: Engine },
  health: boolean,
  signal: AbortSignal,
): Promise<{ berth: Outcome; docker: Outcome }> {
  const side = async (engine: Engine): Promise<Outcome> => {
    try {
      return { kind: 'measured', samples: [await idleCpu(engine, health, signal)] };
    } catch (error) {
      if (signal.aborted) throw error;
      return failed(error);
    }
  };
  const berth = await side(engines.berth);
  const docker = await side(engines.docker);
  return { berth, docker };
}

export const idleCpuWorkload: Workload = {
  id: 'idle-cpu',
  title: `Idle CPU with ${CONTAINERS} running containers`,
  notes: [
    `${CONTAINERS} \`busybox sleep 3600\` containers; the CPU time of every process the engine runs for them (a cgroup around the daemon and all it starts, containers excluded) over ${WINDOW_MS / 1000} s, given per minute (read ms as CPU ms per minute).`,
    `With health checks: \`${HEALTH.join(' ')}\` on every container (${CONTAINERS / 10} checks a second in all).`,
  ],
  async run({ engines, signal, log }) {
    const rows: Row[] = [];
    for (const health of [false, true]) {
      log(`  idle CPU, health checks ${health ? 'on' : 'off'}`);
      rows.push({
        id: health ? 'idle-cpu-health' : 'idle-cpu',
        metric: `CPU per minute, ${CONTAINERS} containers idle${health ? ', health checks every 10 s' : ''}`,
        unit: 'ms',
        ...(await measure(engines, health, signal)),
        target: 1,
      });
    }
    return rows;
  },
};
