// 9. `docker pull` of a ~200 MiB, four-layer gzip image from Debian's docker-registry on loopback, through
// berthd and through Docker's engine (which pulls from 127.0.0.0/8 over plain HTTP by default).
import { join } from 'node:path';
import { alternate } from '../lib/runner.js';
import { preparePullImage, uploadPullImage } from '../lib/pull-image.js';
import { startRegistry } from '../../test/helpers/docker-registry.js';
import type { Engine } from '../engines/engine.js';
import { docker } from './cli.js';
import type { Workload } from './workload.js';

async function pullOnce(engine: Engine, ref: string): Promise<number> {
  const result = await docker(engine, ['pull', ref], { timeoutMs: 600_000 });
  if (!result.stdout.includes('Status: Downloaded newer image'))
    throw new Error(`pull printed ${JSON.stringify(result.stdout.slice(-300))}`);
  await docker(engine, ['rmi', ref]); // not timed: the next pull must download and unpack again
  return result.ms;
}

export const registryPull: Workload = {
  id: 'registry-pull',
  title: '9. Pull from a local registry',
  notes: [
    'docker-registry (the distribution project, Debian package) on 127.0.0.1; image of four 50 MiB gzip layers of incompressible bytes, uploaded over the API (not pushed by either engine).',
    'Each sample downloads, verifies and unpacks every layer; `docker rmi` between samples is not timed.',
  ],
  async run({ engines, scratch, heavy, signal, log, repoRoot }) {
    log('  preparing the 200 MiB image and starting docker-registry');
    const image = await preparePullImage(join(repoRoot, 'bench/.work/images/pull'));
    const registry = await startRegistry();
    try {
      await uploadPullImage(registry.host, 'bench/pull', 'v1', image);
      const ref = `${registry.host}/bench/pull:v1`;
      const counts = { warmup: 0, n: Math.max(heavy.n, 3) };
      void scratch;
      const pulled = await alternate(
        { berth: () => pullOnce(engines.berth, ref), docker: () => pullOnce(engines.docker, ref) },
        { ...counts, signal },
      );
      const mib = [image.config, ...image.layers].reduce((n, b) => n + b.size, 0) / 1024 / 1024;
      return [
        {
          id: 'registry-pull',
          metric: `\`docker pull\` of ${mib.toFixed(0)} MiB in 4 layers`,
          unit: 'ms',
          ...pulled,
          target: 0.8,
        },
      ];
    } finally {
      await registry.stop();
    }
  },
};
