// 5. `docker logs` of a container that wrote 100 MB, and `docker logs -f` following one as it writes.
import { alternate, type Outcome } from '../lib/runner.js';
import type { Engine } from '../engines/engine.js';
import { BUSYBOX, NO_NETWORK, cleaningUp, containerId, docker, removeContainers } from './cli.js';
import type { Row, Workload } from './workload.js';
import { apiGet } from '../lib/api.js';

const LINE = 'berth-bench-log-line 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789';
// Whole lines only: dockerd's `logs -f` drops a final line without a newline when the container exits.
const LINES = Math.ceil(100_000_000 / (LINE.length + 1));
const BYTES = LINES * (LINE.length + 1);
// No rotation on either engine, so that all 100 MB stay readable.
const WRITER = ['--log-opt', 'max-size=1g', ...NO_NETWORK, BUSYBOX, 'sh', '-c', `yes '${LINE}' | head -n ${LINES}`];

async function startWriter(engine: Engine): Promise<string> {
  return containerId(await docker(engine, ['run', '-d', ...WRITER]));
}

async function readLogs(engine: Engine, id: string, follow: boolean): Promise<number> {
  const result = await docker(engine, ['logs', ...(follow ? ['-f'] : []), id], {
    discardStdout: true,
    timeoutMs: 600_000,
  });
  if (result.stdoutBytes !== BYTES) throw new Error(`logs returned ${result.stdoutBytes} bytes, expected ${BYTES}`);
  return result.ms;
}

async function waitExit0(engine: Engine, id: string): Promise<void> {
  const exit = await docker(engine, ['wait', id], { timeoutMs: 600_000 });
  if (exit.stdout.trim() !== '0') throw new Error(`writer exited ${exit.stdout.trim()}`);
}

/** The same read through the API alone: multiplexed frames, so a little more than BYTES arrive. */
async function readLogsApi(engine: Engine, id: string): Promise<number> {
  const result = await apiGet(engine.socketPath, `/v1.41/containers/${id}/logs?stdout=1&stderr=1`, { keepBytes: 0 });
  if (result.status !== 200 || result.bytes < BYTES)
    throw new Error(`GET logs answered ${result.status} with ${result.bytes} bytes, expected at least ${BYTES}`);
  return result.ms;
}

const throughput = (outcome: Outcome): string => {
  if (outcome.kind !== 'measured' || outcome.samples.length === 0) return '–';
  const sorted = [...outcome.samples].sort((a, b) => a - b);
  return `${(BYTES / 1e6 / (sorted[Math.floor(sorted.length / 2)]! / 1000)).toFixed(0)} MB/s`;
};

export const logs: Workload = {
  id: 'logs',
  title: '5. Logs',
  notes: [
    `The writer: \`yes '<${LINE.length} chars>' | head -n ${LINES}\` (${BYTES} bytes, whole lines), log option max-size=1g on both (no rotation).`,
    "Whole lines because dockerd's `logs -f` drops a last line without a newline when the container exits.",
  ],
  async run({ engines, quick, heavy, signal }) {
    const finished: Partial<Record<'berth' | 'docker', string>> = {};
    const readAll = (side: 'berth' | 'docker') => async (): Promise<number> => {
      const engine = engines[side];
      finished[side] ??= await cleaningUp(engine, async () => {
        const id = await startWriter(engine);
        await waitExit0(engine, id);
        return id;
      });
      return readLogs(engine, finished[side], false);
    };
    const full = await alternate(
      { berth: readAll('berth'), docker: readAll('docker') },
      { warmup: 0, n: Math.min(quick.n, 2), signal },
    );
    const viaApi = (side: 'berth' | 'docker') => (): Promise<number> =>
      finished[side]
        ? readLogsApi(engines[side], finished[side])
        : Promise.reject(new Error('the writer container did not run'));
    const api = await alternate(
      { berth: viaApi('berth'), docker: viaApi('docker') },
      { warmup: 0, n: Math.min(quick.n, 2), signal },
    );
    for (const side of ['berth', 'docker'] as const)
      if (finished[side]) await removeContainers(engines[side], [finished[side]]);

    const follow = (side: 'berth' | 'docker') => async (): Promise<number> => {
      const engine = engines[side];
      return cleaningUp(engine, async () => {
        const id = await startWriter(engine);
        const ms = await readLogs(engine, id, true);
        await waitExit0(engine, id);
        await removeContainers(engine, [id]);
        return ms;
      });
    };
    const live = await alternate(
      { berth: follow('berth'), docker: follow('docker') },
      { warmup: 0, n: heavy.n, signal },
    );
    const rows: Row[] = [
      {
        id: 'logs',
        metric: '`docker logs` of 100 MB',
        unit: 'ms',
        ...full,
        target: 1,
        note: `berth ${throughput(full.berth)}, docker ${throughput(full.docker)}`,
      },
      {
        id: 'logs-api',
        metric: '`GET /containers/{id}/logs` of 100 MB (API alone, no CLI)',
        unit: 'ms',
        ...api,
        target: 0.7,
        note: `berth ${throughput(api.berth)}, docker ${throughput(api.docker)}`,
      },
      {
        id: 'logs-follow',
        metric: '`docker logs -f` while 100 MB are written',
        unit: 'ms',
        ...live,
        target: 1,
        note: `berth ${throughput(live.berth)}, docker ${throughput(live.docker)}`,
      },
    ];
    return rows;
  },
};
