// A container with 20 published ports: the time of its `run -d` and the memory the engine adds for it. Docker
// starts a docker-proxy process per published port (its default userland proxy); berth writes DNAT rules only.
// Runs on the network workload's daemons (the bench's main daemons have no bridge).
import type { Engine } from '../engines/engine.js';
import { alternate, type Outcome } from '../lib/runner.js';
import { descendants, listProcesses, totalPssKiB } from '../lib/memory.js';
import { BUSYBOX, containerId, docker } from './cli.js';
import type { Row } from './workload.js';

export const PORTS = 20;

/** The daemon, its per-container supervisors and any port proxies it started. */
async function engineProcesses(engine: Engine): Promise<number[]> {
  const daemons = await engine.daemonPids();
  const all = await listProcesses();
  const proxies = daemons.flatMap((pid) => descendants(all, pid)).filter((p) => p.comm.startsWith('docker-proxy'));
  return [...daemons, ...(await engine.supervisorPids()), ...proxies.map((p) => p.pid)];
}

interface PortsSample {
  ms: number;
  addedMiB: number;
}

async function runWithPorts(engine: Engine, hostPorts: readonly number[]): Promise<PortsSample> {
  const before = await totalPssKiB(await engineProcesses(engine));
  const publish = hostPorts.flatMap((port, i) => ['-p', `127.0.0.1:${port}:${1000 + i}`]);
  const t0 = performance.now();
  const id = containerId(await docker(engine, ['run', '-d', ...publish, BUSYBOX, 'sleep', '3600']));
  const ms = performance.now() - t0;
  try {
    const shown = (await docker(engine, ['port', id])).stdout.split('\n').filter(Boolean).length;
    if (shown !== hostPorts.length) throw new Error(`docker port listed ${shown} ports, expected ${hostPorts.length}`);
    const after = await totalPssKiB(await engineProcesses(engine));
    return { ms, addedMiB: (after - before) / 1024 };
  } finally {
    await docker(engine, ['rm', '-f', id]);
  }
}

export async function publishedPortsRows(
  engines: { berth: Engine; docker: Engine },
  hostPorts: { berth: readonly number[]; docker: readonly number[] },
  counts: { warmup: number; n: number },
  signal: AbortSignal,
): Promise<Row[]> {
  const memory: Record<'berth' | 'docker', number[]> = { berth: [], docker: [] };
  const sample =
    (side: 'berth' | 'docker') =>
    async (index: number): Promise<number> => {
      const result = await runWithPorts(engines[side], hostPorts[side]);
      if (index >= 0) memory[side].push(result.addedMiB);
      return result.ms;
    };
  const times = await alternate({ berth: sample('berth'), docker: sample('docker') }, { ...counts, signal });
  const asOutcome = (side: 'berth' | 'docker', timed: Outcome): Outcome =>
    timed.kind === 'measured' ? { kind: 'measured', samples: memory[side] } : timed;
  return [
    {
      id: 'ports-20-run',
      metric: `\`run -d\` with ${PORTS} ports published on 127.0.0.1`,
      unit: 'ms',
      ...times,
      target: 1,
    },
    {
      id: 'ports-20-memory',
      metric: `memory the engine adds for a container with ${PORTS} published ports (daemon, supervisor, proxies)`,
      unit: 'MiB',
      berth: asOutcome('berth', times.berth),
      docker: asOutcome('docker', times.docker),
      target: 0.2,
    },
  ];
}
