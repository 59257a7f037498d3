// The build context: the client's tar (plain or gzip) streamed into a private directory, entry by entry,
// confined: no entry may climb out (`..`), land through a symlink, or hardlink outside. The Dockerfile is read
// from it. `.dockerignore` is the client's to apply (the docker CLI and docker-py filter what they send); as
// dockerd's classic builder, the daemon only drops `.dockerignore` and the Dockerfile when they match it.
import { createWriteStream } from 'node:fs';
import { link, lstat, mkdir, readFile, rm, symlink, utimes, chmod } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { escapesLexically, resolveInRoot } from '../lib/fs/in-root.js';
import { isIgnored, parseDockerignore } from '../lib/dockerignore.js';
import { invalidArgument } from '../core/errdefs.js';
import { maybeGunzip } from '../engine/images/archive-ingest.js';
import { TarTail } from './tar-tail.js';

export interface BuildContext {
  root: string;
  dockerfileText: string;
  dockerfileName: string;
}

function cleanName(name: string): string {
  const clean = posix.normalize(name.replace(/^\/+/, '')).replace(/\/+$/, '');
  if (clean === '.' || clean === '') return '';
  if (escapesLexically(clean)) throw invalidArgument(`invalid build context: entry ${JSON.stringify(name)} climbs out of the context`);
  return clean;
}

/** The parent directory of `rel` inside root, refusing a parent reached through a symlink. */
async function confinedParent(root: string, rel: string): Promise<string> {
  const parent = dirname(rel);
  const lexical = join(root, parent);
  if ((await resolveInRoot(root, parent)) !== lexical) throw invalidArgument(`invalid build context: entry ${JSON.stringify(rel)} lies behind a symlink`);
  await mkdir(lexical, { recursive: true });
  return lexical;
}

export async function receiveContext(body: Readable, root: string, options: { signal?: AbortSignal } = {}): Promise<void> {
  await mkdir(root, { recursive: true });
  const extract = tar.extract();
  const raw = await maybeGunzip(body);
  // The docker CLI's tar with a Dockerfile from outside the context lacks its end blocks (see tar-tail.ts).
  const input = raw.pipe(new TarTail());
  raw.on('error', (err) => input.destroy(err));
  input.on('error', (err) => extract.destroy(err));
  input.pipe(extract);
  const dirTimes: { path: string; mtime: Date }[] = [];
  for await (const entry of extract) {
    options.signal?.throwIfAborted();
    const h = entry.header;
    const rel = cleanName(h.name);
    if (rel === '') {
      entry.resume();
      continue;
    }
    await confinedParent(root, rel);
    const target = join(root, rel);
    const mode = (h.mode ?? 0o644) & 0o7777;
    switch (h.type) {
      case 'directory': {
        const existing = await lstat(target).catch(() => undefined);
        if (existing && !existing.isDirectory()) await rm(target, { force: true });
        await mkdir(target, { recursive: true });
        await chmod(target, mode);
        if (h.mtime) dirTimes.push({ path: target, mtime: h.mtime });
        entry.resume();
        break;
      }
      case 'file':
      case 'contiguous-file':
        await rm(target, { force: true });
        await pipeline(entry, createWriteStream(target, { flags: 'wx', mode }));
        await chmod(target, mode);
        if (h.mtime) await utimes(target, h.mtime, h.mtime);
        break;
      case 'symlink':
        await rm(target, { force: true });
        await symlink(h.linkname ?? '', target);
        entry.resume();
        break;
      case 'link': {
        const source = cleanName(h.linkname ?? '');
        const resolved = await resolveInRoot(root, source, false);
        await rm(target, { force: true });
        await link(resolved, target);
        entry.resume();
        break;
      }
      default:
        entry.resume();
    }
  }
  for (const d of dirTimes.reverse()) await utimes(d.path, d.mtime, d.mtime).catch(() => undefined);
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
  const ignoreText = await readFile(join(root, '.dockerignore'), 'utf8').catch(() => undefined);
  if (ignoreText !== undefined) {
    const patterns = parseDockerignore(ignoreText);
    for (const file of ['.dockerignore', found]) if (isIgnored(patterns, file)) await rm(await resolveInRoot(root, file, false), { force: true, recursive: true });
  }
  return { root, dockerfileText: text, dockerfileName: rel };
}
