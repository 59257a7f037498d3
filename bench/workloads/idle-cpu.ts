// Idle CPU: what an engine burns with 50 containers running and nothing asked of it, with health checks off and
// on, as CPU seconds per minute. The row is the machine's busy time over a window with the containers up minus a
// window just before with none (a health check runs short-lived processes that no daemon process reaps on
// berth's side: conmon daemonizes, so only the machine's count sees them). The note adds the CPU of the tracked
// processes alone (berth: berthd and the conmons; Docker: dockerd, containerd and the shims).
import type { Engine } from '../engines/engine.js';
import { machineBusySeconds, totalCpuSeconds } from '../lib/cpu.js';
import { BUSYBOX, NO_NETWORK, cleaningUp, containerId, docker, inParallel, removeContainers } from './cli.js';
import { failed, type Row, type Workload } from './workload.js';
import type { Outcome } from '../lib/runner.js';

const CONTAINERS = 50;
const WINDOW_MS = 20_000;
const HEALTH = ['--health-cmd', 'true', '--health-interval', '10s', '--health-timeout', '5s'];

async function enginePids(engine: Engine): Promise<number[]> {
  return [...(await engine.daemonPids()), ...(await engine.supervisorPids())];
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
  });
}

interface IdleCpu {
  /** Machine CPU seconds per minute added by the containers. */
  machine: number;
  /** CPU seconds per minute of the daemon and supervisors alone. */
  tracked: number;
}

/** CPU per minute over one window with `CONTAINERS` containers up (health checks when asked), less the idle window. */
async function idleCpu(engine: Engine, health: boolean, signal: AbortSignal): Promise<IdleCpu> {
  const ids: string[] = [];
  const baselineStart = await machineBusySeconds();
  await pause(WINDOW_MS, signal);
  const baseline = (await machineBusySeconds()) - baselineStart;
  return cleaningUp(engine, async () => {
    await inParallel(CONTAINERS, 5, async () => {
      const args = ['run', '-d', ...NO_NETWORK, ...(health ? HEALTH : []), BUSYBOX, 'sleep', '3600'];
      ids.push(containerId(await docker(engine, args)));
    });
    // The window starts after every container is up (and, with checks, after the first round has begun).
    const pids = await enginePids(engine);
    if (pids.length < 1 + CONTAINERS) throw new Error(`found ${pids.length - 1} supervisors, expected ${CONTAINERS}`);
    const [trackedStart, machineStart] = [await totalCpuSeconds(pids), await machineBusySeconds()];
    await pause(WINDOW_MS, signal);
    const machine = (await machineBusySeconds()) - machineStart - baseline;
    const tracked = (await totalCpuSeconds(pids)) - trackedStart;
    await removeContainers(engine, ids);
    const perMinute = (seconds: number): number => (Math.max(0, seconds) * 60_000) / WINDOW_MS;
    return { machine: perMinute(machine), tracked: perMinute(tracked) };
  });
}

/** One window per side (berth, then Docker): the machine's other load drifts less than between runs. */
async function measure(
  engines: { berth: Engine; docker: Engine },
  health: boolean,
  signal: AbortSignal,
): Promise<{ berth: Outcome; docker: Outcome; note: string }> {
  const tracked: string[] = [];
  const side = async (engine: Engine): Promise<Outcome> => {
    try {
      const measured = await idleCpu(engine, health, signal);
      tracked.push(`${engine.name} ${(measured.tracked * 1000).toFixed(0)} ms`);
      return { kind: 'measured', samples: [measured.machine * 1000] };
    } catch (error) {
      if (signal.aborted) throw error;
      return failed(error);
    }
  };
  const berth = await side(engines.berth);
  const docker = await side(engines.docker);
  return { berth, docker, note: `daemon and supervisors alone: ${tracked.join(', ')} CPU per minute` };
}

export const idleCpuWorkload: Workload = {
  id: 'idle-cpu',
  title: `Idle CPU with ${CONTAINERS} running containers`,
  notes: [
    `${CONTAINERS} \`busybox sleep 3600\` containers; the machine's CPU time over ${WINDOW_MS / 1000} s with them up, less ${WINDOW_MS / 1000} s just before without them, given per minute (read ms as CPU ms per minute). One window per side: noisy on a shared machine.`,
    `With health checks: \`${HEALTH.join(' ')}\` on every container (${CONTAINERS / 10} checks a second in all).`,
  ],
  async run({ engines, signal, log }) {
    const rows: Row[] = [];
    for (const health of [false, true]) {
      log(`  idle CPU, health checks ${health ? 'on' : 'off'}`);
      const { berth, docker, note } = await measure(engines, health, signal);
      rows.push({
        id: health ? 'idle-cpu-health' : 'idle-cpu',
        metric: `CPU per minute, ${CONTAINERS} containers idle${health ? ', health checks every 10 s' : ''}`,
        unit: 'ms',
        berth,
        docker,
        target: 1,
        note,
      });
    }
    return rows;
  },
};
