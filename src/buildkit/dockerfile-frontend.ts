// The dockerfile.v0 frontend: the Dockerfile and the context come from the client's session (filesync), then
// berth's one builder runs the build, each step shown as a BuildKit vertex. The image is stored untagged; the
// exporter names it.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { randomBytes } from 'node:crypto';
import { phase } from '../lib/phases.js';
import { ConnectError, Code } from '@connectrpc/connect';
import { isIgnored, mayReinclude, parseDockerignore } from '../lib/dockerignore.js';
import { BuildError, type StepHandle, type StepInfo, type StepObserver } from '../builder/ports.js';
import type { Builder } from '../builder/builder.js';
import type { ImageRecord } from '../core/images/image-record.js';
import { fullName, parseReference } from '../core/images/reference.js';
import type { ClientSession } from './sessions.js';
import { syncFromSession } from './filesync.js';
import type { SolveProgress } from './solve-progress.js';
import { dockerfileAttrs } from './frontend-attrs.js';
import { sessionShares } from './session-shares.js';

export interface FrontendRun {
  builder: Builder;
  session: ClientSession;
  progress: SolveProgress;
  attrs: Record<string, string>;
  /** Private scratch space for the synced directories. */
  workRoot: string;
  /** --cache-to type=inline: the image carries its step cache keys. */
  inlineCache?: boolean;
  signal?: AbortSignal;
}

/** BuildKit's vertex name for a step: `[2/3] RUN …`, with the stage (`[build 1/2]`, `[stage-1 1/2]`) when there are several. */
export function stepVertexName(step: StepInfo): string {
  const stage = step.stageCount > 1 ? `${step.stage.name ?? `stage-${step.stage.index}`} ` : '';
  return `[${stage}${step.ordinal}/${step.total}] ${step.image ? `FROM ${qualified(step.image)}` : step.text}`;
}

/** An image as BuildKit shows it in FROM: fully qualified, no tag added (docker.io/library/busybox). */
function qualified(image: string): string {
  try {
    return fullName(parseReference(image));
  } catch {
    return image;
  }
}

const UNSHOWN: StepHandle = { log: () => undefined, cached: () => undefined, end: () => undefined };

function stepObserver(progress: SolveProgress): StepObserver {
  // BuildKit shows one vertex for an image several stages start from.
  const images = new Set<string>();
  return {
    begin(step) {
      if (step.image) {
        if (images.has(step.image)) return UNSHOWN;
        images.add(step.image);
      }
      const vertex = progress.vertex(stepVertexName(step));
      return {
        log: (text, stream) => vertex.log(text, stream),
        cached: () => vertex.cached(),
        end: (error) => vertex.end(error && buildkitError(error)),
      };
    },
  };
}

/** BuildKit's words for a failing RUN (the classic builder says "returned a non-zero code"). */
function buildkitError(err: Error): Error {
  const m = /^The command '(.*)' returned a non-zero code: (\d+)$/s.exec(err.message);
  if (err instanceof BuildError && m)
    return new Error(`process "${m[1] as string}" did not complete successfully: exit code: ${m[2] as string}`);
  return err;
}

export async function runDockerfileFrontend(run: FrontendRun): Promise<ImageRecord> {
  const { filename, request } = dockerfileAttrs(run.attrs);
  const dir = join(run.workRoot, randomBytes(8).toString('hex'));
  const signal = run.signal;
  try {
    const dockerfileDir = join(dir, 'dockerfile');
    const contextDir = join(dir, 'context');
    const ignoreDir = join(dir, 'dockerignore');
    for (const d of [dockerfileDir, contextDir, ignoreDir]) await mkdir(d, { recursive: true });

    const base = posix.basename(filename);
    const definition = run.progress.vertex(`[internal] load build definition from ${base}`);
    const dockerfileText = await definition.track(async () => {
      const got = await syncFromSession(run.session, dockerfileDir, {
        dirName: 'dockerfile',
        includePattern: base,
        signal,
      });
      definition.status('transferring dockerfile:', got.bytes);
      const text = await readFile(join(dockerfileDir, base), 'utf8').catch(() => undefined);
      if (text === undefined)
        throw new ConnectError(
          `failed to read dockerfile: open ${base}: no such file or directory`,
          Code.InvalidArgument,
        );
      return text;
    });

    phase('dockerfile');
    const ignore = run.progress.vertex('[internal] load .dockerignore');
    const patterns = await ignore.track(async () => {
      const got = await syncFromSession(run.session, ignoreDir, {
        dirName: 'context',
        includePattern: '.dockerignore',
        signal,
      });
      ignore.status('transferring context:', got.bytes);
      const text = await readFile(join(ignoreDir, '.dockerignore'), 'utf8').catch(() => '');
      return parseDockerignore(text);
    });

    phase('dockerignore');
    const contextVertex = run.progress.vertex('[internal] load build context');
    await contextVertex.track(async () => {
      const keep = (path: string, kind: string): boolean =>
        !isIgnored(patterns, path) || (kind === 'dir' && mayReinclude(patterns, path));
      const got = await syncFromSession(run.session, contextDir, { dirName: 'context', keep, signal });
      contextVertex.status('transferring context:', got.bytes);
    });

    phase('context');
    const built = await run.builder.buildDirectory(
      { root: contextDir, dockerfileText, dockerfileName: base },
      { ...request, steps: stepObserver(run.progress), session: sessionShares(run.session) },
      { signal, inlineCache: run.inlineCache },
    );
    phase('build');
    return built.record;
  } catch (err) {
    throw toConnectError(err);
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function toConnectError(err: unknown): unknown {
  if (err instanceof ConnectError) return err;
  if (err instanceof Error)
    return new ConnectError(buildkitError(err).message, Code.Unknown, undefined, undefined, err);
  return err;
}
