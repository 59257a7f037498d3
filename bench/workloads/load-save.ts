// 6. `docker load` and `docker save` of a ~100 MB image (bench/big, seeded pseudo-random bytes).
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { alternate } from '../lib/runner.js';
import { BIG_IMAGE } from '../lib/big-image.js';
import type { Engine } from '../engines/engine.js';
import { docker } from './cli.js';
import type { Workload } from './workload.js';

async function loadOnce(engine: Engine, archive: string): Promise<number> {
  const result = await docker(engine, ['load', '-i', archive], { timeoutMs: 600_000 });
  if (!result.stdout.includes(`Loaded image: ${BIG_IMAGE}`))
    throw new Error(`load printed ${JSON.stringify(result.stdout.slice(0, 200))}`);
  await docker(engine, ['rmi', BIG_IMAGE]); // not timed: the next load must be a real one
  return result.ms;
}

async function saveOnce(engine: Engine, out: string, minBytes: number): Promise<number> {
  const result = await docker(engine, ['save', '-o', out, BIG_IMAGE], { timeoutMs: 600_000 });
  const size = (await stat(out)).size;
  await rm(out, { force: true });
  if (size < minBytes) throw new Error(`save wrote ${size} bytes, expected at least ${minBytes}`);
  return result.ms;
}

export const loadSave: Workload = {
  id: 'load-save',
  title: '6. Image load and save',
  notes: [
    'One layer of 100 MiB incompressible bytes; `docker rmi` between loads (not timed) so each load stores the layer anew.',
  ],
  async run({ engines, images, scratch, heavy, quick, signal }) {
    const counts = { warmup: 1, n: Math.max(heavy.n, Math.min(quick.n, 3)) };
    const load = await alternate(
      { berth: () => loadOnce(engines.berth, images.bigTar), docker: () => loadOnce(engines.docker, images.bigTar) },
      { ...counts, signal },
    );
    const minBytes = (await stat(images.bigTar)).size - 1024 * 1024;
    const prepared: Partial<Record<'berth' | 'docker', boolean>> = {};
    const save = (side: 'berth' | 'docker') => async (): Promise<number> => {
      if (!prepared[side]) {
        await docker(engines[side], ['load', '-i', images.bigTar], { timeoutMs: 600_000 });
        prepared[side] = true;
      }
      return saveOnce(engines[side], join(scratch, `${side}-save.tar`), minBytes);
    };
    const saved = await alternate({ berth: save('berth'), docker: save('docker') }, { ...counts, signal });
    for (const side of ['berth', 'docker'] as const)
      if (prepared[side]) await docker(engines[side], ['rmi', BIG_IMAGE]).catch(() => undefined);
    return [
      { id: 'load', metric: '`docker load` of 100 MiB', unit: 'ms', ...load, target: 1 },
      { id: 'save', metric: '`docker save` of 100 MiB', unit: 'ms', ...saved, target: 1 },
    ];
  },
};
