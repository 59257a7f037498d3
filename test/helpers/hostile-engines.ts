// What the hostile-archive e2e files share: berthd and Docker's own engine side by side (busybox loaded on
// both), a host directory as the victim, the hostile-tree corpus aimed at it, and one loop that runs an
// entry point for every case on every engine and checks the host after each.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { startDaemon, isRoot, type TestDaemon } from '../helpers/daemon.js';
import { docker, type RunResult } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';
import { dockerArchiveOf } from '../fixtures/docker-archive.js';
import { startDockerd, hasDockerd, type DockerEngine } from './dockerd.js';
import {
  assertVictimUntouched,
  hostileTrees,
  makeVictim,
  tarOfFiles,
  type HostileTree,
  type Victim,
} from '../fixtures/hostile-tars.js';

export const skip = !isRoot() && 'needs root';
let berthd: TestDaemon;
let dockerd: DockerEngine | undefined;
let victim: Victim;
let corpus: HostileTree[];

/** Registers the engines' start and stop with the calling test file. */
export function useEngines(): void {
  before(async () => {
    if (skip) return;
    victim = makeVictim();
    corpus = await hostileTrees(victim.dir);
    const images = await testImages();
    [berthd, dockerd] = await Promise.all([startDaemon(), hasDockerd() ? startDockerd() : Promise.resolve(undefined)]);
    for (const env of engines()) assert.equal((await docker(env.env, ['load', '-i', images.busybox])).code, 0);
  });
  after(async () => {
    try {
      await berthd?.cleanup();
    } finally {
      try {
        await dockerd?.stop();
      } finally {
        victim?.cleanup();
      }
    }
  });
}

export const victimDir = (): string => victim.dir;
export const theCorpus = (): HostileTree[] => corpus;

export function engines(): { name: 'berth' | 'docker'; env: NodeJS.ProcessEnv }[] {
  const out: { name: 'berth' | 'docker'; env: NodeJS.ProcessEnv }[] = [
    { name: 'berth', env: { ...berthd.env, DOCKER_BUILDKIT: '0' } },
  ];
  if (dockerd) out.push({ name: 'docker', env: { ...dockerd.env, DOCKER_BUILDKIT: '0' } });
  return out;
}

export const slug = (name: string): string => name.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
export const compress = (tar: Buffer, kind: 'tar' | 'gzip' | 'bzip2' | 'xz'): Buffer =>
  kind === 'tar' ? tar : kind === 'gzip' ? gzipSync(tar) : execFileSync(kind, ['-c', '-z'], { input: tar });

/**
 * Runs one entry point for every case on every engine (engines side by side), then checks the host. On berth,
 * refused cases must fail, confined ones succeed (unless the entry point may refuse them for its own reasons).
 */
export async function throughEveryEngine(
  what: string,
  fn: (env: NodeJS.ProcessEnv, c: HostileTree, i: number) => Promise<RunResult>,
  options: { cases?: HostileTree[]; confinedSucceeds?: boolean } = {},
): Promise<void> {
  await throughEngines(engines(), victim.dir, what, fn, { cases: corpus, ...options });
}

/** The same loop for engines a test file started itself (the rootless berthd), aimed at its own victim. */
export async function throughEngines(
  targets: { name: 'berth' | 'docker'; env: NodeJS.ProcessEnv }[],
  victimDir: string,
  what: string,
  fn: (env: NodeJS.ProcessEnv, c: HostileTree, i: number) => Promise<RunResult>,
  options: { cases: HostileTree[]; confinedSucceeds?: boolean },
): Promise<void> {
  const cases = options.cases;
  await Promise.all(
    targets.map(async (engine) => {
      for (const [i, c] of cases.entries()) {
        const res = await fn(engine.env, c, i);
        assertVictimUntouched(victimDir, `${what} on ${engine.name}: ${c.name}`);
        if (engine.name === 'berth' && c.expect === 'refused')
          assert.notEqual(res.code, 0, `${what}: ${c.name} should be refused`);
        if (engine.name === 'berth' && c.expect === 'confined' && options.confinedSucceeds !== false)
          assert.equal(res.code, 0, `${what}: ${c.name}: ${res.stderr}`);
      }
    }),
  );
}

/** A build whose Dockerfile ADDs the case's archive (compressed as asked) at / and into /opt/. */
export async function addBuild(
  env: NodeJS.ProcessEnv,
  c: HostileTree,
  kind: 'tar' | 'gzip' | 'bzip2' | 'xz',
): Promise<RunResult> {
  const context = await tarOfFiles({
    Dockerfile: 'FROM busybox\nADD evil.tar /\nADD evil.tar /opt/\n',
    'evil.tar': compress(c.tar, kind),
  });
  return docker(env, ['build', '-q', '-t', `add-${kind}/${slug(c.name)}`, '-'], { input: context, timeoutMs: 120_000 });
}

/** The docker CLI against one engine (rootful: `docker(env, …)`; rootless: the same run as the daemon's user). */
export type DockerCall = (args: string[], options?: { input?: Buffer; timeoutMs?: number }) => Promise<RunResult>;
export const dockerWith =
  (env: NodeJS.ProcessEnv): DockerCall =>
  (args, options) =>
    docker(env, args, options);

/** `docker cp -` of the case into a fresh container's `/`. */
export async function cpInto(dk: DockerCall, c: HostileTree, i: number): Promise<RunResult> {
  const name = `cp-target-${i}`;
  assert.equal((await dk(['create', '--name', name, 'busybox', 'true'])).code, 0);
  try {
    return await dk(['cp', '-', `${name}:/`], { input: c.tar });
  } finally {
    await dk(['rm', '-f', name]);
  }
}

/** `docker load` of an image whose one layer is the case. */
export async function loadLayer(dk: DockerCall, c: HostileTree): Promise<RunResult> {
  return dk(['load'], { input: await dockerArchiveOf(c.tar, `load/${slug(c.name)}:latest`) });
}

/** `docker import` of the case as a rootfs. */
export const importTree = (dk: DockerCall, c: HostileTree): Promise<RunResult> =>
  dk(['import', '-', `import/${slug(c.name)}:latest`], { input: c.tar });
