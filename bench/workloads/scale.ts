// Scale: N containers (100, then 1000) created, the daemon's memory with them, listed with `ps -a` (CLI and API
// alone), then removed with one `rm -f` of all of them; and `container prune` of 500 stopped ones. Reports how each cost grows from 100 to 1000.
import { alternate, type Outcome } from '../lib/runner.js';
import type { Engine } from '../engines/engine.js';
import { apiGet, apiPost } from '../lib/api.js';
import { BUSYBOX, docker, inParallel, removeAll } from './cli.js';
import { failed, type Row, type Workload } from './workload.js';
import { median } from '../lib/stats.js';
import { setTimeout } from 'node:timers/promises';
import { totalPssKiB } from '../lib/memory.js';
import { IDLE_SETTLE_MS } from './memory.js';

const SIZES = [100, 1000];
const PRUNED = 500;
const CREATE_WIDTH = 10;
const SIDES = ['berth', 'docker'] as const;
type Side = (typeof SIDES)[number];

/** Creates `count` containers through the API, `CREATE_WIDTH` at a time; returns their ids and the time taken. */
async function createMany(engine: Engine, count: number): Promise<{ ids: string[]; ms: number }> {
  const ids: string[] = [];
  const started = performance.now();
  await inParallel(count, CREATE_WIDTH, async () => {
    const result = await apiPost(engine.socketPath, '/v1.41/containers/create', {
      Image: BUSYBOX,
      Cmd: ['true'],
      HostConfig: { NetworkMode: 'none' },
    });
    if (result.status !== 201) throw new Error(`create answered ${result.status}: ${result.body.slice(0, 300)}`);
    ids.push((JSON.parse(result.body) as { Id: string }).Id);
  });
  return { ids, ms: performance.now() - started };
}

async function psAll(engine: Engine, expected: number): Promise<number> {
  const result = await docker(engine, ['ps', '-a']);
  const rows = result.stdout.trim().split('\n').length - 1;
  if (rows !== expected) throw new Error(`ps -a listed ${rows} rows, expected ${expected}`);
  return result.ms;
}

async function listApi(engine: Engine, expected: number): Promise<number> {
  const result = await apiGet(engine.socketPath, '/v1.41/containers/json?all=1', { keepBytes: Infinity });
  const count = result.status === 200 ? (JSON.parse(result.body) as unknown[]).length : -1;
  if (count !== expected)
    throw new Error(`GET /containers/json answered ${result.status} with ${count}, expected ${expected}`);
  return result.ms;
}

async function removeForced(engine: Engine, ids: string[]): Promise<number> {
  const result = await docker(engine, ['rm', '-f', ...ids], { timeoutMs: 900_000 });
  const removed = result.stdout.trim().split('\n').filter(Boolean).length;
  if (removed !== ids.length) throw new Error(`rm -f printed ${removed} ids, expected ${ids.length}`);
  await expectEmpty(engine);
  return result.ms;
}

async function prune(engine: Engine): Promise<number> {
  const result = await docker(engine, ['container', 'prune', '-f'], { timeoutMs: 900_000 });
  const removed = result.stdout.split('\n').filter((line) => /^[0-9a-f]{64}$/.test(line.trim())).length;
  if (removed !== PRUNED) throw new Error(`prune listed ${removed} containers, expected ${PRUNED}`);
  await expectEmpty(engine);
  return result.ms;
}

async function expectEmpty(engine: Engine): Promise<void> {
  const left = (await docker(engine, ['ps', '-aq'])).stdout.trim();
  if (left !== '') throw new Error(`${left.split('\n').length} containers left`);
}

/** One timed step per side (heavy: a single sample each); a side whose earlier step failed reports that. */
async function each(
  errors: Partial<Record<Side, unknown>>,
  step: (engine: Side) => Promise<number>,
): Promise<Record<Side, Outcome>> {
  const out = {} as Record<Side, Outcome>;
  for (const side of SIDES) {
    if (errors[side] !== undefined) {
      out[side] = failed(errors[side]);
      continue;
    }
    try {
      out[side] = { kind: 'measured', samples: [await step(side)] };
    } catch (error) {
      errors[side] = error;
      out[side] = failed(error);
    }
  }
  return out;
}

const medianOf = (o: Outcome | undefined): number | undefined =>
  o?.kind === 'measured' && o.samples.length > 0 ? median(o.samples) : undefined;

/** "berth ×8.1, Docker ×9.6" from 100 to 1000 (10× the containers; ×10 is linear). */
function growth(small: Row | undefined, large: Row): string | undefined {
  if (!small) return undefined;
  const part = (side: Side, label: string) => {
    const a = medianOf(small[side]);
    const b = medianOf(large[side]);
    return a && b ? `${label} ×${(b / a).toFixed(1)}` : `${label} –`;
  };
  return `growth from ${SIZES[0]} to ${SIZES[1]} containers: ${part('berth', 'berth')}, ${part('docker', 'Docker')} (×10 is linear)`;
}

export const scale: Workload = {
  id: 'scale',
  title: 'Scale: 100 and 1000 containers',
  notes: [
    `Containers are created (not started) through the API, ${CREATE_WIDTH} at a time, running \`true\` with no network.`,
    '`rm -f` is one docker CLI call with every id (the CLI removes them in parallel, as it does for both engines).',
    'Heavy rows are one sample per side; `ps -a` rows use the quick counts.',
    `Daemon PSS is read ${IDLE_SETTLE_MS / 1000} s after the last create, without requests to either engine (as the idle memory rows).`,
  ],
  async run({ engines, quick, signal, log }) {
    const rows: Row[] = [];
    const bySize = new Map<string, Row>();
    const add = (key: string, size: number, row: Row): void => {
      const small = size === SIZES[1] ? bySize.get(key) : undefined;
      const note = growth(small, row);
      rows.push(note ? { ...row, note } : row);
      bySize.set(key, row);
    };
    for (const size of SIZES) {
      log(`  scale: ${size} containers`);
      const errors: Partial<Record<Side, unknown>> = {};
      const ids: Partial<Record<Side, string[]>> = {};
      const created = await each(errors, async (side) => {
        const made = await createMany(engines[side], size);
        ids[side] = made.ids;
        return made.ms;
      });
      add('create', size, {
        id: `scale-create-${size}`,
        metric: `create ${size} containers (API, ${CREATE_WIDTH} at a time)`,
        unit: 'ms',
        ...created,
        target: 1,
      });
      // Read as the idle rows are, after IDLE_SETTLE_MS without requests to either engine: right after the creates
      // both daemons still hold the burst's garbage (berthd's V8 heap and Go's), which is not what N containers cost.
      await setTimeout(IDLE_SETTLE_MS, undefined, { signal });
      const pss = await each(errors, async (side) => (await totalPssKiB(await engines[side].daemonPids())) / 1024);
      add('pss', size, {
        id: `scale-pss-${size}`,
        metric: `daemon PSS with ${size} containers created (not running)`,
        unit: 'MiB',
        ...pss,
        target: 0.6,
      });
      const sampler = (side: Side, measure: (e: Engine, n: number) => Promise<number>) =>
        errors[side] === undefined ? () => measure(engines[side], size) : () => Promise.reject(errors[side] as Error);
      const ps = await alternate(
        { berth: sampler('berth', psAll), docker: sampler('docker', psAll) },
        { ...quick, signal },
      );
      add('ps', size, {
        id: `scale-ps-${size}`,
        metric: `\`docker ps -a\` with ${size} containers`,
        unit: 'ms',
        ...ps,
        target: 0.5,
      });
      const api = await alternate(
        { berth: sampler('berth', listApi), docker: sampler('docker', listApi) },
        { ...quick, signal },
      );
      add('ps-api', size, {
        id: `scale-ps-api-${size}`,
        metric: `\`GET /containers/json?all=1\` with ${size} containers (API alone)`,
        unit: 'ms',
        ...api,
        target: 0.5,
      });
      const removed = await each(errors, (side) => removeForced(engines[side], ids[side] ?? []));
      add('rm', size, {
        id: `scale-rm-${size}`,
        metric: `\`docker rm -f\` of ${size} containers (one call)`,
        unit: 'ms',
        ...removed,
        target: 1,
      });
      for (const side of SIDES) if (errors[side] !== undefined) await removeAll(engines[side]).catch(() => undefined);
    }
    log(`  scale: prune of ${PRUNED}`);
    const errors: Partial<Record<Side, unknown>> = {};
    const pruned = await each(errors, async (side) => {
      await createMany(engines[side], PRUNED);
      return prune(engines[side]);
    });
    for (const side of SIDES) if (errors[side] !== undefined) await removeAll(engines[side]).catch(() => undefined);
    rows.push({
      id: 'scale-prune',
      metric: `\`docker container prune -f\` of ${PRUNED} stopped containers`,
      unit: 'ms',
      ...pruned,
      target: 1,
    });
    return rows;
  },
};
