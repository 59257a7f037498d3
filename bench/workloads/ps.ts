// 3. `docker ps -a` with 100 containers present.
import { alternate, type Outcome } from '../lib/runner.js';
import type { Engine } from '../engines/engine.js';
import { BUSYBOX, NO_NETWORK, containerId, docker, inParallel, removeContainers } from './cli.js';
import { failed, type Workload } from './workload.js';

const CONTAINERS = 100;

async function createMany(engine: Engine): Promise<string[]> {
  const ids: string[] = [];
  try {
    await inParallel(CONTAINERS, 10, async () => {
      ids.push(containerId(await docker(engine, ['create', ...NO_NETWORK, BUSYBOX, 'true'])));
    });
  } catch (error) {
    await removeContainers(engine, ids).catch(() => undefined);
    throw error;
  }
  return ids;
}

async function psAll(engine: Engine): Promise<number> {
  const result = await docker(engine, ['ps', '-a']);
  const rows = result.stdout.trim().split('\n').length - 1;
  if (rows !== CONTAINERS) throw new Error(`ps -a listed ${rows} rows, expected ${CONTAINERS}`);
  return result.ms;
}

export const ps: Workload = {
  id: 'ps',
  title: '3. Listing containers',
  notes: [`${CONTAINERS} created (not started) containers on each engine.`],
  async run({ engines, quick, signal }) {
    const ids: { berth?: string[]; docker?: string[]; berthError?: unknown; dockerError?: unknown } = {};
    for (const side of ['berth', 'docker'] as const) {
      try {
        ids[side] = await createMany(engines[side]);
      } catch (error) {
        ids[`${side}Error`] = error;
      }
    }
    const sampler = (side: 'berth' | 'docker') => (ids[side] ? () => psAll(engines[side]) : () => Promise.reject(ids[`${side}Error`] as Error));
    const sides = await alternate({ berth: sampler('berth'), docker: sampler('docker') }, { ...quick, signal });
    for (const side of ['berth', 'docker'] as const) if (ids[side]) await removeContainers(engines[side], ids[side]);
    const setupFailed = (side: 'berth' | 'docker'): Outcome => (ids[side] ? sides[side] : failed(ids[`${side}Error`]));
    return [{ id: 'ps', metric: `\`docker ps -a\` with ${CONTAINERS} containers`, unit: 'ms', berth: setupFailed('berth'), docker: setupFailed('docker'), target: 0.5 }];
  },
};
