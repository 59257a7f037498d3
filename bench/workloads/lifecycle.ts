// 2. create + start + stop + rm of 50 containers, one after another and 10 at a time.
import { alternate } from '../lib/runner.js';
import type { Engine } from '../engines/engine.js';
import { BUSYBOX, NO_NETWORK, cleaningUp, containerId, docker, inParallel } from './cli.js';
import type { Row, Workload } from './workload.js';

const CONTAINERS = 50;
// PID 1 ignores SIGTERM unless it traps it: this one stops at once, as a well-behaved service does.
const SERVICE = ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"];

async function oneLifecycle(engine: Engine): Promise<void> {
  const id = containerId(await docker(engine, ['create', ...NO_NETWORK, BUSYBOX, ...SERVICE]));
  await docker(engine, ['start', id]);
  await docker(engine, ['stop', id]);
  await docker(engine, ['rm', id]);
}

async function lifecycles(engine: Engine, width: number): Promise<number> {
  const started = performance.now();
  await cleaningUp(engine, () => inParallel(CONTAINERS, width, () => oneLifecycle(engine)));
  const ms = performance.now() - started;
  const left = await docker(engine, ['ps', '-aq']);
  if (left.stdout.trim() !== '') throw new Error(`containers left after rm: ${left.stdout.split('\n').length}`);
  return ms;
}

export const lifecycle: Workload = {
  id: 'lifecycle',
  title: '2. Container lifecycle',
  notes: [
    `Each container runs \`${SERVICE.join(' ')}\` so that \`stop\` is answered at once; four CLI calls a container.`,
  ],
  async run({ engines, heavy, signal }) {
    const rows: Row[] = [];
    for (const width of [1, 10]) {
      const sides = await alternate(
        { berth: () => lifecycles(engines.berth, width), docker: () => lifecycles(engines.docker, width) },
        { ...heavy, signal },
      );
      const how = width === 1 ? 'sequential' : `${width} at a time`;
      rows.push({
        id: `lifecycle-${width === 1 ? 'sequential' : `parallel-${width}`}`,
        metric: `create+start+stop+rm ×${CONTAINERS}, ${how}`,
        unit: 'ms',
        ...sides,
        target: 1,
      });
    }
    return rows;
  },
};
