// 9b. `docker build` through buildx (BuildKit: POST /session + /grpc) on both sides, of one small multi-stage
// context: cold (--no-cache: every RUN in a container, every layer committed) and warm (every step cached, the
// context re-synced: only changed files travel). buildx comes from the peers (BERTH_PEERS_DIR), installed as a
// CLI plugin in a DOCKER_CONFIG of the workload's own.
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { alternate } from '../lib/runner.js';
import { exec, describeFailure } from '../lib/exec.js';
import type { Engine } from '../engines/engine.js';
import type { Workload } from './workload.js';

const DOCKERFILE = `ARG BASE=busybox
FROM \${BASE} AS builder
WORKDIR /src
COPY src/ ./
RUN for f in *.txt; do cat "$f"; done > /all.txt
RUN mkdir -p /out && cp /all.txt /out/
FROM busybox
LABEL org.example.bench=buildkit
COPY --from=builder /out/all.txt /app/all.txt
WORKDIR /app
CMD ["cat", "/app/all.txt"]
`;

/** The RUN steps of the Dockerfile: none from the cache when cold, both when warm. */
const RUN_STEPS = 2;

async function build(engine: Engine, env: NodeJS.ProcessEnv, context: string, tag: string, noCache: boolean) {
  const args = ['build', '--progress=plain', '--network', 'none', '-t', tag, ...(noCache ? ['--no-cache'] : [])];
  const result = await exec('docker', [...args, context], { env: { ...engine.env, ...env }, timeoutMs: 300_000 });
  if (result.code !== 0 || !result.stderr.includes(`naming to docker.io/library/${tag}`))
    throw new Error(describeFailure('docker buildx build', result));
  // Only RUN steps count: dockerd 20.10's BuildKit shows other vertexes (a base image, an internal load, a COPY)
  // CACHED even with --no-cache.
  const names = new Map([...result.stderr.matchAll(/^#(\d+) \[[^\]]+\] (\S+)/gm)].map((m) => [m[1], m[2]]));
  const steps = new Set(['RUN']);
  const cached = [...result.stderr.matchAll(/^#(\d+) CACHED$/gm)].filter((m) =>
    steps.has(names.get(m[1]) ?? ''),
  ).length;
  if (noCache ? cached !== 0 : cached < RUN_STEPS)
    throw new Error(`${noCache ? 'cold' : 'warm'} build used the cache for ${cached} of ${RUN_STEPS} RUN steps`);
  return result.ms;
}

export const buildkitWorkload: Workload = {
  id: 'buildkit',
  title: '9b. Image build (BuildKit, docker CLI + buildx)',
  notes: [
    'The same small two-stage context as 9 (2 RUN, 2 COPY, 2 WORKDIR, ARG before FROM) built with `docker build` through buildx v0.10.5 on both engines, `--network none`; cold = `--no-cache`, warm = every step from the cache (the context re-synced over the session).',
  ],
  async run({ engines, scratch, quick, signal }) {
    const plugin = join(process.env.BERTH_PEERS_DIR ?? '/var/cache/berth-peers', 'docker-buildx');
    if (!existsSync(plugin)) throw new Error(`docker-buildx not found at ${plugin} (scripts/setup.sh builds it)`);
    const config = join(scratch, 'buildkit-config');
    await mkdir(join(config, 'cli-plugins'), { recursive: true });
    await symlink(plugin, join(config, 'cli-plugins', 'docker-buildx')).catch(() => undefined);
    const env = { DOCKER_CONFIG: config, DOCKER_BUILDKIT: '1' };
    const context = join(scratch, 'buildkit-context');
    await mkdir(join(context, 'src'), { recursive: true });
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE);
    for (let i = 0; i < 20; i++)
      await writeFile(join(context, 'src', `${String.fromCharCode(97 + i)}.txt`), `file ${i}\n`.repeat(50));
    const counts = { warmup: 1, n: Math.max(3, Math.min(quick.n, 5)) };
    const side = (noCache: boolean, tag: string) => ({
      berth: () => build(engines.berth, env, context, tag, noCache),
      docker: () => build(engines.docker, env, context, tag, noCache),
    });
    const cold = await alternate(side(true, 'bench-buildkit:cold'), { ...counts, signal });
    const warm = await alternate(side(false, 'bench-buildkit:warm'), { ...counts, signal });
    for (const e of [engines.berth, engines.docker])
      await exec('docker', ['rmi', 'bench-buildkit:cold', 'bench-buildkit:warm'], { env: e.env }).catch(
        () => undefined,
      );
    return [
      { id: 'buildkit-cold', metric: 'buildx `docker build --no-cache` (2 RUN)', unit: 'ms', ...cold, target: 1 },
      { id: 'buildkit-warm', metric: 'buildx `docker build` with every step cached', unit: 'ms', ...warm, target: 0.5 },
    ];
  },
};
