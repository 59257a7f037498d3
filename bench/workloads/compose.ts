// Compose: a 10-service file brought up (`up -d`) and taken down (`down -v`) by `berth compose` on berthd and by
// docker-compose 1.29 (Debian's) on Docker's engine, the tools people would otherwise use; and a second `up -d` of
// the unchanged file, which must touch no container (IDs and StartedAt compared) and take under a second.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../engines/engine.js';
import { describeFailure, exec } from '../lib/exec.js';
import type { Outcome } from '../lib/runner.js';
import { docker, removeAll } from './cli.js';
import type { Row, Workload } from './workload.js';

const SERVICES = 10;
const PROJECT = 'benchcompose';
const NOOP_TARGET_MS = 1000;

/** Ten busybox services on the project's network; SIGKILL stops them at once on both engines (sleep ignores TERM). */
const composeFile = (): string =>
  'services:\n' +
  Array.from(
    { length: SERVICES },
    (_, i) => `  s${i}:\n    image: busybox:latest\n    command: sleep 3600\n    stop_signal: SIGKILL\n`,
  ).join('');

type Tool = (args: string[]) => Promise<number>;

function tool(command: string, prefix: string[], env: NodeJS.ProcessEnv, signal: AbortSignal): Tool {
  return async (args) => {
    const result = await exec(command, [...prefix, ...args], { env, signal, timeoutMs: 300_000 });
    if (result.code !== 0) throw new Error(describeFailure(`${command} ${args.join(' ')}`, result));
    return result.ms;
  };
}

/** The project's containers as "id startedAt" lines, sorted; throws unless there are SERVICES of them. */
async function containerStates(engine: Engine): Promise<string> {
  const ids = (
    await docker(engine, ['ps', '-aq', '--no-trunc', '--filter', `label=com.docker.compose.project=${PROJECT}`])
  ).stdout
    .split('\n')
    .filter(Boolean);
  if (ids.length !== SERVICES) throw new Error(`${ids.length} containers after up, expected ${SERVICES}`);
  const states = await docker(engine, ['inspect', '-f', '{{.Id}} {{.State.StartedAt}} {{.State.Running}}', ...ids]);
  const lines = states.stdout.split('\n').filter(Boolean).sort();
  if (!lines.every((l) => l.endsWith(' true'))) throw new Error(`not all running after up:\n${lines.join('\n')}`);
  return lines.join('\n');
}

async function expectGone(engine: Engine): Promise<void> {
  const filter = ['--filter', `label=com.docker.compose.project=${PROJECT}`];
  const left = [
    ...(await docker(engine, ['ps', '-aq', ...filter])).stdout.split('\n'),
    ...(await docker(engine, ['network', 'ls', '-q', ...filter])).stdout.split('\n'),
  ].filter(Boolean);
  if (left.length > 0) throw new Error(`down left ${left.length} containers/networks`);
}

interface Cycle {
  up: number;
  noop: number;
  down: number;
}

/** up -d, an unchanged second up -d (nothing may change), down -v; the three times. */
async function cycle(engine: Engine, compose: Tool): Promise<Cycle> {
  const up = await compose(['up', '-d']);
  const before = await containerStates(engine);
  const noop = await compose(['up', '-d']);
  const after = await containerStates(engine);
  if (after !== before) throw new Error(`the second up touched containers:\n${before}\n->\n${after}`);
  const down = await compose(['down', '-v']);
  await expectGone(engine);
  return { up, noop, down };
}

export const composeWorkload: Workload = {
  id: 'compose',
  title: 'compose: up -d, no-change up, down of a 10-service file',
  notes: [
    'berth: `berth compose` on berthd; Docker: docker-compose 1.29 (Debian) on dockerd, the same file and project name.',
    `The no-change up must leave every container as it was (IDs and StartedAt) and take under ${NOOP_TARGET_MS} ms.`,
  ],
  async run({ engines, scratch, repoRoot, heavy, signal, log }) {
    const dir = join(scratch, 'compose');
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'compose.yaml');
    await writeFile(file, composeFile());
    const args = ['-p', PROJECT, '-f', file];
    const tools: Record<'berth' | 'docker', Tool> = {
      berth: tool(join(repoRoot, 'bin/berth'), ['compose', ...args], engines.berth.env, signal),
      docker: tool(
        'docker-compose',
        ['--ansi', 'never', ...args],
        { ...engines.docker.env, COMPOSE_DOCKER_CLI_BUILD: '0', COMPOSE_INTERACTIVE_NO_CLI: '1' },
        signal,
      ),
    };
    const samples = { berth: [] as Cycle[], docker: [] as Cycle[] };
    const errors: Partial<Record<'berth' | 'docker', string>> = {};
    for (let i = 0; i < heavy.warmup + heavy.n; i++)
      for (const side of ['berth', 'docker'] as const) {
        if (errors[side]) continue;
        const engine = engines[side];
        try {
          const c = await cycle(engine, tools[side]);
          if (i >= heavy.warmup) samples[side].push(c);
          log(`${side} up ${c.up.toFixed(0)} ms, no-change up ${c.noop.toFixed(0)} ms, down ${c.down.toFixed(0)} ms`);
        } catch (error) {
          if (signal.aborted) throw error;
          errors[side] = (error as Error).message;
          await tools[side](['down', '-v']).catch(() => undefined);
          await removeAll(engine).catch(() => undefined);
        }
      }
    const outcome = (side: 'berth' | 'docker', key: keyof Cycle): Outcome => {
      const error = errors[side];
      return error ? { kind: 'failed', error } : { kind: 'measured', samples: samples[side].map((c) => c[key]) };
    };
    const row = (key: keyof Cycle, id: string, metric: string, target?: number): Row => ({
      id,
      metric,
      unit: 'ms',
      berth: outcome('berth', key),
      docker: outcome('docker', key),
      ...(target ? { target } : {}),
    });
    return [
      row('up', 'compose-up', `compose up -d, ${SERVICES} services (berth compose vs docker-compose 1.29)`, 0.5),
      row('down', 'compose-down', `compose down -v, ${SERVICES} services`, 0.5),
      {
        ...row('noop', 'compose-noop-up', `compose up -d again, nothing changed (no container touched)`),
        note: `target: under ${NOOP_TARGET_MS} ms for berth, no container touched (checked on every sample)`,
      },
    ];
  },
};
