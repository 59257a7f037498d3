// The dockerfile.v0 frontend: the Dockerfile and the context come from the client's session (filesync), then
// berth's one builder runs the build, each step shown as a BuildKit vertex. The image is stored untagged; the
// exporter names it.
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { phase } from '../lib/phases.js';
import { resolveInRoot } from '../lib/fs/in-root.js';
import { ConnectError, Code } from '@connectrpc/connect';
import { isIgnored, mayReinclude, parseDockerignore } from '../lib/dockerignore.js';
import { BuildError, type StepHandle, type StepInfo, type StepObserver } from '../builder/ports.js';
import type { Builder } from '../builder/builder.js';
import type { ImageRecord } from '../core/images/image-record.js';
import { fullName, parseReference } from '../core/images/reference.js';
import type { ClientSession } from './sessions.js';
import { syncFromSession, treeContentId, type SyncedTree, type SyncOptions, type SyncResult } from './filesync.js';
import type { SyncedDirs } from './synced-dirs.js';
import type { SolveProgress, VertexProgress } from './solve-progress.js';
import { dockerfileAttrs } from './frontend-attrs.js';
import { sessionShares } from './session-shares.js';
import { namedContextKey, type NamedContext } from '../builder/named-contexts.js';
import type { BuildRequest } from '../builder/ports.js';
import type { BuildContext } from '../builder/build-context.js';
import type { Logger } from '../lib/logger.js';
import { receiveRemoteContext } from './remote-context.js';

export interface FrontendRun {
  builder: Builder;
  session: ClientSession;
  progress: SolveProgress;
  attrs: Record<string, string>;
  /** Where the synced directories live, kept between builds of the same context. */
  syncedDirs: SyncedDirs;
  /** The host's git, for a git context. */
  gitPath?: string;
  /** --cache-to type=inline: the image carries its step cache keys. */
  inlineCache?: boolean;
  /** Each filesync of the build logs what it received (debug). */
  logger: Logger;
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

/** `definition`: the vertex that loaded the Dockerfile, where BuildKit puts the Dockerfile's warnings. */
export function stepObserver(progress: SolveProgress, definition: VertexProgress): StepObserver {
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
    warn: (warning) => definition.warn(warning),
  };
}

/** BuildKit's words for a failing RUN (the classic builder says "returned a non-zero code"). */
export function buildkitError(err: Error): Error {
  const m = /^The command '(.*)' returned a non-zero code: (\d+)$/s.exec(err.message);
  if (err instanceof BuildError && m)
    return new Error(`process "${m[1] as string}" did not complete successfully: exit code: ${m[2] as string}`);
  return err;
}

/** One synced directory of the build: taken from the kept ones, put back (or dropped) when the build ends. */
interface BuildDir {
  key: string | undefined;
  dir: string;
  previous?: SyncedTree;
  /** Set when its sync completed: only then may it be kept. */
  tree?: SyncedTree;
}

export async function runDockerfileFrontend(run: FrontendRun): Promise<ImageRecord> {
  const { filename, request, namedContexts } = dockerfileAttrs(run.attrs);
  if (run.attrs.context !== undefined) {
    if (namedContexts.length > 0 || run.attrs.dockerfilekey)
      throw new ConnectError(
        `a remote build context (${run.attrs.context}) with ${namedContexts.length > 0 ? 'named contexts' : 'a Dockerfile from the client'} is not supported by berth's BuildKit frontend yet`,
        Code.Unimplemented,
      );
    return runRemoteContext(run, run.attrs.context, filename, request);
  }
  // A failing part stops the others (the three syncs run at once).
  const stop = new AbortController();
  const signal = run.signal ? AbortSignal.any([run.signal, stop.signal]) : stop.signal;
  const base = posix.basename(filename);
  const keyOf = (dirName: string, include = ''): string | undefined =>
    run.session.sharedKey ? `${run.session.sharedKey}\0${dirName}\0${include}` : undefined;
  const dirs: BuildDir[] = [];
  const syncs: Promise<unknown>[] = [];
  const take = async (key: string | undefined): Promise<BuildDir> => {
    const taken: BuildDir = { key, ...(await run.syncedDirs.take(key)) };
    dirs.push(taken);
    return taken;
  };
  const closes: Promise<SyncResult>[] = [];
  /** Resolves once the directory holds what the client listed; its stream's close is awaited before the result. */
  const sync = (d: BuildDir, options: Omit<SyncOptions, 'previous' | 'signal' | 'onReady'>): Promise<SyncResult> => {
    let ready: (got: SyncResult) => void = () => undefined;
    const filled = new Promise<SyncResult>((resolve) => (ready = resolve));
    const syncing = syncFromSession(run.session, d.dir, {
      ...options,
      previous: d.previous,
      signal,
      onReady: (got) => ready(got),
    }).then((got) => {
      d.tree = got.tree;
      logSync(run.logger, options, got);
      return got;
    });
    syncs.push(syncing.catch(() => undefined));
    closes.push(syncing);
    return Promise.race([filled, syncing]);
  };
  /**
   * A context directory over the session (the build context, or a named one): its `.dockerignore` first, then the
   * files it keeps, each load a vertex (`names`); the files `.dockerignore` excludes are listed but never sent.
   */
  const syncContext = async (
    dirName: string,
    names: { ignore: string; load: string },
    after?: Promise<unknown>,
    /** An ignore file that replaces the directory's own `.dockerignore` when it exists (undefined: none). */
    replacingIgnore?: Promise<string | undefined>,
  ): Promise<{ dir: BuildDir; synced: SyncResult }> => {
    const [ignoreDir, dir] = await Promise.all([take(keyOf(dirName, '.dockerignore')), take(keyOf(dirName))]);
    await after;
    const ignore = run.progress.vertex(names.ignore);
    const patterns = ignore.track(async () => {
      const [got, replacing] = await Promise.all([
        sync(ignoreDir, { dirName, includePattern: '.dockerignore' }),
        replacingIgnore,
      ]);
      ignore.status('transferring context:', got.bytes);
      const text = replacing ?? (await readInside(ignoreDir.dir, '.dockerignore').catch(() => ''));
      phase('dockerignore');
      return parseDockerignore(text);
    });
    const keep = async (path: string, kind: string): Promise<boolean> => {
      const p = await patterns;
      return !isIgnored(p, path) || (kind === 'dir' && mayReinclude(p, path));
    };
    const contextSync = sync(dir, { dirName, keep });
    contextSync.catch(() => undefined);
    // Shown once .dockerignore is loaded, as BuildKit orders them.
    await patterns;
    const vertex = run.progress.vertex(names.load);
    const synced = await vertex.track(async () => {
      const got = await contextSync;
      vertex.status('transferring context:', got.bytes);
      return got;
    });
    return { dir, synced };
  };
  try {
    const dockerfileDir = await take(keyOf('dockerfile', base));
    // The Dockerfile, .dockerignore and the context are asked for at once; the context's listing is applied
    // once .dockerignore is known (the files it excludes are still never sent).
    const definition = run.progress.vertex(`[internal] load build definition from ${base}`);
    const dockerfileText = definition.track(async () => {
      const got = await sync(dockerfileDir, { dirName: 'dockerfile', includePattern: base });
      definition.status('transferring dockerfile:', got.bytes);
      const text = await readInside(dockerfileDir.dir, base).catch(() => undefined);
      if (text === undefined)
        throw new ConnectError(
          `failed to read dockerfile: open ${base}: no such file or directory`,
          Code.InvalidArgument,
        );
      phase('dockerfile');
      return text;
    });
    // `<Dockerfile>.dockerignore` beside the Dockerfile, when there is one, is the context's ignore file instead of
    // the context's `.dockerignore` (BuildKit's frontend reads both names from the Dockerfile's directory; Docker
    // 20.10's does too). One file per metadata pattern: it comes in a sync of its own.
    const ownIgnoreName = `${base}.dockerignore`;
    const dockerfileIgnore = (async () => {
      const d = await take(keyOf('dockerfile', ownIgnoreName));
      await sync(d, { dirName: 'dockerfile', includePattern: ownIgnoreName });
      return readInside(d.dir, ownIgnoreName).catch(() => undefined);
    })();
    dockerfileIgnore.catch(() => undefined);
    const context = syncContext(
      'context',
      { ignore: '[internal] load .dockerignore', load: '[internal] load build context' },
      undefined,
      dockerfileIgnore,
    ).then((got) => {
      phase('context');
      return got;
    });
    // Named contexts (`--build-context`): BuildKit loads them when the Dockerfile uses them; berth with the context.
    const named = Promise.all(
      namedContexts.map(async (c): Promise<[string, NamedContext]> => {
        const key = namedContextKey(c.name) ?? c.name;
        if (c.kind === 'image') return [key, { kind: 'image', ref: c.ref }];
        const got = await syncContext(
          c.dirName,
          { ignore: `[context ${c.name}] load .dockerignore`, load: `[context ${c.name}] load from client` },
          context,
        );
        return [key, { kind: 'dir', root: got.dir.dir, digests: digestsOf(got.dir.dir, got.synced) }];
      }),
    );
    const [text, { dir: contextDir, synced }, namedList] = await Promise.all([dockerfileText, context, named]);
    const contextRoot = contextDir.dir;

    // A RUN binding the context writable writes into a view of its own (builder/writable-bind.ts): the context,
    // its digests and its content ID stay true, and it is kept for the next build.
    const buildContext: BuildContext = {
      root: contextRoot,
      dockerfileText: text,
      dockerfileName: base,
      fileDigests: digestsOf(contextRoot, synced),
      contentId: treeContentId(synced.tree),
      named: new Map(namedList),
    };
    const built = await run.builder.buildDirectory(
      buildContext,
      { ...request, steps: stepObserver(run.progress, definition), session: sessionShares(run.session) },
      { signal, inlineCache: run.inlineCache },
    );
    // Long since closed in practice; a stream that broke after its contents were in still fails the build.
    await Promise.all(closes);
    phase('build');
    return built.record;
  } catch (err) {
    stop.abort();
    throw toConnectError(err);
  } finally {
    // No sync may still write into a directory being kept or removed.
    await Promise.all(syncs);
    for (const d of dirs)
      if (d.tree) await run.syncedDirs.put(d.key, d.dir, d.tree);
      else await run.syncedDirs.discard(d.dir);
  }
}

/** The build of a stdin tar or URL context: it arrives whole, then berth's one builder runs as for a directory. */
async function runRemoteContext(
  run: FrontendRun,
  value: string,
  filename: string,
  request: BuildRequest,
): Promise<ImageRecord> {
  const signal = run.signal ?? new AbortController().signal;
  const [download, contextDir] = await Promise.all([run.syncedDirs.take(undefined), run.syncedDirs.take(undefined)]);
  try {
    const load = run.progress.vertex('[internal] load remote build context');
    const { context } = await load.track(async () => {
      const got = await receiveRemoteContext(
        run.session,
        value,
        filename,
        { download: download.dir, context: contextDir.dir },
        { signal, gitPath: run.gitPath },
      );
      load.status('transferring context:', got.bytes);
      phase('context');
      return got;
    });
    await run.syncedDirs.discard(download.dir);
    const built = await run.builder.buildDirectory(
      context,
      { ...request, steps: stepObserver(run.progress, load), session: sessionShares(run.session) },
      { signal, inlineCache: run.inlineCache },
    );
    phase('build');
    return built.record;
  } catch (err) {
    throw toConnectError(err);
  } finally {
    await run.syncedDirs.discard(download.dir);
    await run.syncedDirs.discard(contextDir.dir);
  }
}

/**
 * A file of a synced directory, a symlink resolved inside that directory as BuildKit reads its local source: the
 * client lists symlinks as they are, and one pointing at a host path must not make berthd read the host's file.
 */
async function readInside(dir: string, name: string): Promise<string> {
  return readFile(await resolveInRoot(dir, name), 'utf8');
}

/** One line per filesync: what travelled (a rebuild's evidence that only changed files are sent again). */
function logSync(logger: Logger, options: Pick<SyncOptions, 'dirName' | 'includePattern'>, got: SyncResult): void {
  logger.debug(
    {
      dirName: options.dirName,
      ...(options.includePattern ? { includePattern: options.includePattern } : {}),
      filesReceived: got.files,
      bytesReceived: got.contentBytes,
      unchanged: got.unchanged,
      excluded: got.excluded,
    },
    'filesync received',
  );
}

/** The sha256 the receiver computed for each synced file, by host path. */
function digestsOf(root: string, synced: SyncResult): Map<string, string> {
  const digests = new Map<string, string>();
  for (const [rel, entry] of synced.tree) if (entry.digest) digests.set(join(root, rel), entry.digest);
  return digests;
}

function toConnectError(err: unknown): unknown {
  if (err instanceof ConnectError) return err;
  if (err instanceof Error)
    return new ConnectError(buildkitError(err).message, Code.Unknown, undefined, undefined, err);
  return err;
}
