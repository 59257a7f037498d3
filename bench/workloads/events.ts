// Events: 10,000 container events streamed to 5 `docker events` clients at once. The events are renames of
// 10 created (not started) containers, 1,000 each: a container event that costs each engine only a metadata
// write, so the row measures the event path rather than the runtime.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Engine } from '../engines/engine.js';
import { apiPost } from '../lib/api.js';
import { alternate } from '../lib/runner.js';
import { BUSYBOX, cleaningUp, inParallel, removeContainers } from './cli.js';
import type { Workload } from './workload.js';

const CONTAINERS = 10;
const RENAMES_EACH = 1000;
const EVENTS = CONTAINERS * RENAMES_EACH;
const CLIENTS = 5;

/** A `docker events` process counting the rename events of this run's containers (one line each). */
class EventsClient {
  private readonly child: ChildProcess;
  private seen = 0;
  private waiting: { count: number; resolve: () => void } | undefined;
  private failure: Error | undefined;

  constructor(engine: Engine, label: string, since: string) {
    const args = ['events', '--since', since, '--filter', 'type=container', '--filter', 'event=rename'];
    args.push('--filter', `label=${label}`, '--format', '{{.Actor.ID}}');
    this.child = spawn('docker', args, { env: engine.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 0x0a) this.seen++;
      if (this.waiting && this.seen >= this.waiting.count) this.waiting.resolve();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.child.on('exit', (code) => {
      this.failure = new Error(`docker events exited ${code}: ${stderr.trim().slice(0, 300)}`);
      this.waiting?.resolve();
    });
  }

  /** Resolves once `count` events have arrived since the last reset. */
  async until(count: number): Promise<void> {
    if (this.seen < count && !this.failure) await new Promise<void>((resolve) => (this.waiting = { count, resolve }));
    this.waiting = undefined;
    if (this.failure) throw this.failure;
  }

  reset(): void {
    this.seen = 0;
  }

  stop(): void {
    this.child.kill();
  }
}

async function rename(engine: Engine, id: string, name: string): Promise<void> {
  const result = await apiPost(engine.socketPath, `/v1.41/containers/${id}/rename?name=${name}`, undefined);
  if (result.status !== 204) throw new Error(`rename answered ${result.status}: ${result.body.slice(0, 200)}`);
}

async function stream(engine: Engine, sample: number): Promise<number> {
  const label = `bench.events=${process.pid}-${sample}`;
  const ids: string[] = [];
  return cleaningUp(engine, async () => {
    for (let i = 0; i < CONTAINERS; i++) {
      const created = await apiPost(engine.socketPath, '/v1.41/containers/create', {
        Image: BUSYBOX,
        Cmd: ['true'],
        Labels: { 'bench.events': label.split('=')[1] },
        HostConfig: { NetworkMode: 'none' },
      });
      if (created.status !== 201) throw new Error(`create answered ${created.status}: ${created.body.slice(0, 200)}`);
      ids.push((JSON.parse(created.body) as { Id: string }).Id);
    }
    // A first rename before the clients start, which each replays (--since): a client that has printed it is
    // subscribed, whenever its CLI got connected.
    const since = ((Date.now() - 1000) / 1000).toFixed(3);
    await rename(engine, ids[0]!, `bench-ev-${sample}-ready`);
    const clients = Array.from({ length: CLIENTS }, () => new EventsClient(engine, label, since));
    try {
      await Promise.all(clients.map((c) => c.until(1)));
      for (const c of clients) c.reset();
      const started = performance.now();
      await inParallel(CONTAINERS, CONTAINERS, async (i) => {
        for (let k = 0; k < RENAMES_EACH; k++) await rename(engine, ids[i]!, `bench-ev-${sample}-${i}-${k}`);
      });
      await Promise.all(clients.map((c) => c.until(EVENTS)));
      const ms = performance.now() - started;
      await removeContainers(engine, ids);
      return ms;
    } finally {
      for (const c of clients) c.stop();
    }
  });
}

export const eventsWorkload: Workload = {
  id: 'events',
  title: `Events: ${EVENTS.toLocaleString('en')} container events to ${CLIENTS} clients`,
  notes: [
    `${CONTAINERS} created containers are renamed ${RENAMES_EACH} times each through the API (${CONTAINERS} requests at a time) while ${CLIENTS} \`docker events\` clients follow; timed from the first rename until every client has printed all ${EVENTS.toLocaleString('en')} events.`,
  ],
  async run({ engines, heavy, signal }) {
    const sides = await alternate(
      { berth: (i) => stream(engines.berth, i), docker: (i) => stream(engines.docker, i) },
      { warmup: 0, n: heavy.n, signal },
    );
    return [
      {
        id: 'events-10k-5-clients',
        metric: `${EVENTS.toLocaleString('en')} rename events, ${CLIENTS} \`docker events\` clients`,
        unit: 'ms',
        ...sides,
        target: 1,
      },
    ];
  },
};
