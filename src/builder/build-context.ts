// The build context: the client's tar (plain or gzip) streamed into a private directory through the one
// confined extractor (lib/fs/extract-tar.ts): no entry may climb out, write through a symlink, or hardlink
// outside. The Dockerfile and `.dockerignore` are read from it (symlinks followed inside the context only).
// `.dockerignore` is the client's to apply (the docker CLI and docker-py filter what they send); as
// dockerd's classic builder, the daemon only drops `.dockerignore` and the Dockerfile when they match it.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { escapesLexically, resolveInRoot } from '../lib/fs/in-root.js';
import { FdRoot } from '../lib/fs/fd-root.js';
import { ExtractError, extractTar } from '../lib/fs/extract-tar.js';
import { isIgnored, parseDockerignore } from '../lib/dockerignore.js';
import { invalidArgument } from '../core/errdefs.js';
import { maybeGunzip } from '../engine/images/archive-ingest.js';
import { TarTail } from './tar-tail.js';
import type { NamedContext } from './named-contexts.js';

export interface BuildContext {
  root: string;
  dockerfileText: string;
  dockerfileName: string;
  /** sha256 (hex) of context files by host path, when the receiver hashed them as they came (BuildKit's sync). */
  fileDigests?: ReadonlyMap<string, string>;
  /**
   * Names the context directory's whole content (BuildKit's sync: a digest of every entry's metadata and file
   * digest), so what a COPY hashed from it is remembered across builds. (A RUN never changes it: writable-bind.ts.)
   */
  contentId?: string;
  /** Named contexts (BuildKit's `--build-context`) by their lookup key (`namedContextKey`). */
  named?: ReadonlyMap<string, NamedContext>;
}

function cleanName(name: string): string {
  const clean = posix.normalize(name.replace(/^\/+/, '')).replace(/\/+$/, '');
  if (clean === '.' || clean === '') return '';
  if (escapesLexically(clean))
    throw invalidArgument(`invalid build context: entry ${JSON.stringify(name)} climbs out of the context`);
  return clean;
}

/** Unpacks the context through the one confined extractor, the context directory as its root. */
export async function receiveContext(
  body: Readable,
  root: string,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  await mkdir(root, { recursive: true });
  const raw = await maybeGunzip(body);
  // The docker CLI's tar with a Dockerfile from outside the context lacks its end blocks (see tar-tail.ts).
  const input = raw.pipe(new TarTail());
  raw.on('error', (err) => input.destroy(err));
  const fdRoot = await FdRoot.open(root);
  try {
    // Owners are not kept: COPY and ADD give their own (root, or --chown).
    await extractTar(fdRoot.handle, input, { noChown: true, signal: options.signal });
  } catch (err) {
    if (err instanceof ExtractError) throw invalidArgument(`invalid build context: ${err.message}`, err);
    throw err;
  } finally {
    await fdRoot.close();
  }
}

/** Reads the Dockerfile (a path inside the context), then removes it and .dockerignore where .dockerignore lists them. */
export async function openContext(root: string, dockerfile: string | undefined): Promise<BuildContext> {
  const name = dockerfile || 'Dockerfile';
  const rel = cleanName(name);
  let text: string | undefined;
  let found = rel;
  for (const candidate of rel === 'Dockerfile' ? ['Dockerfile', 'dockerfile'] : [rel]) {
    text = await readFile(await resolveInRoot(root, candidate), 'utf8').catch(() => undefined);
    found = candidate;
    if (text !== undefined) break;
  }
  if (text === undefined) throw invalidArgument(`Cannot locate specified Dockerfile: ${name}`);
  if (text.trim() === '') throw invalidArgument(`the Dockerfile (${name}) cannot be empty`);
  const ignoreText = await readFile(await resolveInRoot(root, '.dockerignore'), 'utf8').catch(() => undefined);
  if (ignoreText !== undefined) {
    const patterns = parseDockerignore(ignoreText);
    for (const file of ['.dockerignore', found])
      if (isIgnored(patterns, file)) await rm(await resolveInRoot(root, file, false), { force: true, recursive: true });
  }
  return { root, dockerfileText: text, dockerfileName: rel };
}
