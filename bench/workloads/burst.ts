// Burst: 100 `docker run -d` started 10 at a time, the way a CI job or a compose file with many services starts
// containers; the time until all 100 are running.
import type { Engine } from '../engines/engine.js';
import { alternate } from '../lib/runner.js';
import { BUSYBOX, NO_NETWORK, cleaningUp, containerId, docker, inParallel, removeContainers } from './cli.js';
import type { Workload } from './workload.js';

const CONTAINERS = 100;
const WIDTH = 10;

async function burst(engine: Engine): Promise<number> {
  const ids: string[] = [];
  return cleaningUp(engine, async () => {
    const started = performance.now();
    await inParallel(CONTAINERS, WIDTH, async () => {
      ids.push(containerId(await docker(engine, ['run', '-d', ...NO_NETWORK, BUSYBOX, 'sleep', '3600'])));
    });
    const ms = performance.now() - started;
    const running = (await docker(engine, ['ps', '-q', '--filter', 'status=running'])).stdout.split('\n');
    const count = running.filter(Boolean).length;
    if (count !== CONTAINERS) throw new Error(`${count} containers running, expected ${CONTAINERS}`);
    await removeContainers(engine, ids);
    return ms;
  });
}

export const burstWorkload: Workload = {
  id: 'burst',
  title: `Start of ${CONTAINERS} containers, ${WIDTH} at a time`,
  notes: [
    `${CONTAINERS} \`docker run -d --network none busybox sleep 3600\`, ${WIDTH} CLI calls at a time; timed until the last call returns (every container running, checked with \`ps\`).`,
  ],
  async run({ engines, heavy, signal }) {
    const sides = await alternate(
      { berth: () => burst(engines.berth), docker: () => burst(engines.docker) },
      { warmup: 0, n: heavy.n, signal },
    );
    return [
      {
        id: 'burst-run-100',
        metric: `${CONTAINERS} \`run -d\`, ${WIDTH} at a time`,
        unit: 'ms',
        ...sides,
        target: 1,
      },
    ];
  },
};
