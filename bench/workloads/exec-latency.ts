// `docker exec c true` in a running busybox container, end to end through the docker CLI.
import { join } from 'node:path';
import { exec } from '../lib/exec.js';
import { alternate, repeat, type Outcome } from '../lib/runner.js';
import type { Engine } from '../engines/engine.js';
import { BUSYBOX, NO_NETWORK, containerId, docker, removeContainers } from './cli.js';
import { failed, type Workload } from './workload.js';

async function execTrue(engine: Engine, id: string): Promise<number> {
  const result = await docker(engine, ['exec', id, 'true']);
  if (result.stdout !== '' || result.stderr !== '')
    throw new Error(`exec printed output: ${(result.stdout + result.stderr).slice(0, 200)}`);
  return result.ms;
}

/** Once per engine: the exec really runs in the container (its output comes back). */
async function checkExec(engine: Engine, id: string): Promise<void> {
  const result = await docker(engine, ['exec', id, 'sh', '-c', 'echo $((6*7))']);
  if (result.stdout !== '42\n')
    throw new Error(`exec printed ${JSON.stringify(result.stdout.slice(0, 200))}, expected "42"`);
}

/**
 * The floor: `runc exec <id> true` run by hand against berth's own container (its runc state root), with no CLI
 * and no daemon: what any engine that execs through runc pays at least.
 */
async function runcExecTrue(engine: Engine, id: string): Promise<number> {
  const t0 = performance.now();
  const result = await exec('runc', ['--root', join(engine.workDir, 'exec', 'runtime', 'runc'), 'exec', id, 'true']);
  if (result.code !== 0) throw new Error(`runc exec exited ${result.code}: ${result.stderr.slice(0, 200)}`);
  return performance.now() - t0;
}

export const execLatency: Workload = {
  id: 'exec-latency',
  title: 'Exec latency',
  notes: ['One running `busybox sleep` container per engine; each sample is one `docker exec` CLI call.'],
  async run({ engines, quick, signal, log }) {
    const ids: Partial<Record<'berth' | 'docker', string>> = {};
    const errors: Partial<Record<'berth' | 'docker', unknown>> = {};
    for (const side of ['berth', 'docker'] as const) {
      try {
        ids[side] = containerId(await docker(engines[side], ['run', '-d', ...NO_NETWORK, BUSYBOX, 'sleep', '3600']));
        await checkExec(engines[side], ids[side]);
      } catch (error) {
        errors[side] = error;
      }
    }
    const sampler = (side: 'berth' | 'docker') => {
      const id = ids[side];
      return id && !errors[side] ? () => execTrue(engines[side], id) : () => Promise.reject(errors[side] as Error);
    };
    const sides = await alternate({ berth: sampler('berth'), docker: sampler('docker') }, { ...quick, signal });
    const berthId = ids.berth;
    const floor: Outcome =
      berthId && !errors.berth
        ? await repeat(() => runcExecTrue(engines.berth, berthId), { ...quick, signal })
        : failed(errors.berth ?? 'no container');
    for (const side of ['berth', 'docker'] as const) {
      const id = ids[side];
      if (id) await removeContainers(engines[side], [id]);
    }
    log(`exec latency: berth ${sides.berth.kind}, docker ${sides.docker.kind}`);
    const orError = (side: 'berth' | 'docker', outcome: Outcome): Outcome =>
      errors[side] ? failed(errors[side]) : outcome;
    return [
      {
        id: 'exec',
        metric: '`docker exec c true` (running busybox)',
        unit: 'ms',
        berth: orError('berth', sides.berth),
        docker: orError('docker', sides.docker),
        target: 0.7,
        floor: { outcome: floor, label: '`runc exec c true` alone, on the same container' },
      },
    ];
  },
};
