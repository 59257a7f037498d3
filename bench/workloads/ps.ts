// 3. `docker ps -a` with 100 containers present.
import { alternate, type Outcome } from '../lib/runner.js';
import type { Engine } from '../engines/engine.js';
import { BUSYBOX, NO_NETWORK, containerId, docker, inParallel, removeContainers } from './cli.js';
import { failed, type Row, type Workload } from './workload.js';
import { apiGet } from '../lib/api.js';

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

async function listApi(engine: Engine): Promise<number> {
  const result = await apiGet(engine.socketPath, '/v1.41/containers/json?all=1');
  const count = result.status === 200 ? (JSON.parse(result.body) as unknown[]).length : -1;
  if (count !== CONTAINERS)
    throw new Error(`GET /containers/json answered ${result.status} with ${count} containers, expected ${CONTAINERS}`);
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
    const sampler = (side: 'berth' | 'docker', measure: (engine: Engine) => Promise<number>) =>
      ids[side] ? () => measure(engines[side]) : () => Promise.reject(ids[`${side}Error`] as Error);
    const sides = await alternate(
      { berth: sampler('berth', psAll), docker: sampler('docker', psAll) },
      { ...quick, signal },
    );
    const api = await alternate(
      { berth: sampler('berth', listApi), docker: sampler('docker', listApi) },
      { ...quick, signal },
    );
    for (const side of ['berth', 'docker'] as const) if (ids[side]) await removeContainers(engines[side], ids[side]);
    const orSetupError = (side: 'berth' | 'docker', outcome: Outcome): Outcome =>
      ids[side] ? outcome : failed(ids[`${side}Error`]);
    const rows: Row[] = [
      {
        id: 'ps',
        metric: `\`docker ps -a\` with ${CONTAINERS} containers`,
        unit: 'ms',
        berth: orSetupError('berth', sides.berth),
        docker: orSetupError('docker', sides.docker),
        target: 0.5,
      },
      {
        id: 'ps-api',
        metric: `\`GET /containers/json?all=1\` with ${CONTAINERS} containers (API alone, no CLI)`,
        unit: 'ms',
        berth: orSetupError('berth', api.berth),
        docker: orSetupError('docker', api.docker),
        target: 0.5,
      },
    ];
    return rows;
  },
};
