// 9. `docker build` of one multi-stage Dockerfile with Docker's classic builder on both sides
// (DOCKER_BUILDKIT=0): cold (--no-cache: every RUN in a container, every layer committed) and warm (every
// step from the cache).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { alternate } from '../lib/runner.js';
import { exec, describeFailure } from '../lib/exec.js';
import type { Engine } from '../engines/engine.js';
import type { Workload } from './workload.js';

const DOCKERFILE = `ARG BASE=busybox
FROM \${BASE} AS builder
ARG GREETING=hello
ENV APP_HOME=/src
WORKDIR /src
COPY src/ ./
RUN for f in *.txt; do cat "$f"; done > /tmp/all && mv /tmp/all all.txt && echo "$GREETING" >> all.txt
RUN mkdir -p /out && cp all.txt /out/ && rm -f a.txt
FROM busybox
LABEL org.example.bench=build
COPY --from=builder /out/all.txt /app/all.txt
WORKDIR /app
USER 1000:1000
HEALTHCHECK --interval=30s CMD test -f /app/all.txt
CMD ["cat", "/app/all.txt"]
`;

async function build(engine: Engine, context: string, tag: string, noCache: boolean): Promise<number> {
  const args = ['build', '--network', 'none', '-t', tag, ...(noCache ? ['--no-cache'] : []), context];
  const result = await exec('docker', args, { env: { ...engine.env, DOCKER_BUILDKIT: '0' }, timeoutMs: 300_000 });
  if (result.code !== 0 || !result.stdout.includes(`Successfully tagged ${tag}`))
    throw new Error(describeFailure('docker build', result));
  const steps = (result.stdout.match(/^Step /gm) ?? []).length;
  const cached = (result.stdout.match(/ ---> Using cache/g) ?? []).length;
  // A cold build takes nothing from the cache; a warm one takes every step but the two FROMs and the ARG before them.
  if (noCache ? cached !== 0 : cached !== steps - 3)
    throw new Error(`${noCache ? 'cold' : 'warm'} build used the cache for ${cached} of ${steps} steps`);
  return result.ms;
}

export const buildWorkload: Workload = {
  id: 'build',
  title: '9. Image build (classic builder)',
  notes: [
    'One 15-step (Docker counts the ARG before FROM), two-stage Dockerfile (2 RUN, 2 COPY, WORKDIR, metadata steps) on busybox, `--network none`; cold = `--no-cache`, warm = every step from the cache.',
  ],
  async run({ engines, scratch, quick, signal }) {
    const context = join(scratch, 'build-context');
    await mkdir(join(context, 'src'), { recursive: true });
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE);
    for (let i = 0; i < 20; i++)
      await writeFile(join(context, 'src', `${String.fromCharCode(97 + i)}.txt`), `file ${i}\n`.repeat(50));
    const counts = { warmup: 1, n: Math.max(3, Math.min(quick.n, 5)) };
    const cold = await alternate(
      {
        berth: () => build(engines.berth, context, 'bench-build:cold', true),
        docker: () => build(engines.docker, context, 'bench-build:cold', true),
      },
      { ...counts, signal },
    );
    const warm = await alternate(
      {
        berth: () => build(engines.berth, context, 'bench-build:warm', false),
        docker: () => build(engines.docker, context, 'bench-build:warm', false),
      },
      { ...counts, signal },
    );
    for (const e of [engines.berth, engines.docker])
      await exec('docker', ['rmi', 'bench-build:cold', 'bench-build:warm'], { env: e.env }).catch(() => undefined);
    return [
      { id: 'build-cold', metric: '`docker build --no-cache` (15 steps, 2 RUN)', unit: 'ms', ...cold, target: 1 },
      { id: 'build-warm', metric: '`docker build` with every step cached', unit: 'ms', ...warm, target: 1 },
    ];
  },
};
