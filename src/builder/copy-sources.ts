// COPY/ADD sources: patterns resolved inside a source root (the context, or a stage's or image's tree) with
// Go's filepath.Match wildcards, symlinks followed only within that root; and one content hash over everything a step would copy (names, types, modes, bytes; not times),
// which is what the build cache keys on.
import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { escapesLexically, resolveInRoot } from '../lib/fs/in-root.js';
import { BuildError } from './ports.js';

export interface SourceRoot {
  root: string;
  /** "context" words errors as Docker does for the build context. */
  isContext: boolean;
  /** Known sha256 (hex) of files by host path: hashed without reading them again. */
  digests?: ReadonlyMap<string, string>;
}

export interface CopySource {
  /** Host path (inside the source root) after following symlinks. */
  hostPath: string;
  /** Path relative to the source root, as matched. */
  rel: string;
  isDir: boolean;
}

const hasWildcard = (p: string): boolean => /[*?[]/.test(p);

function segmentRegExp(segment: string): RegExp {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] as string;
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        let cls = segment.slice(i + 1, end);
        if (cls.startsWith('^') || cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        out += `[${cls}]`;
        i = end;
      }
    } else if (ch === '\\' && i + 1 < segment.length)
      out += (segment[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else out += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

async function expandPattern(src: SourceRoot, pattern: string): Promise<string[]> {
  let candidates = [''];
  for (const segment of pattern.split('/').filter((s) => s !== '' && s !== '.')) {
    const next: string[] = [];
    for (const base of candidates) {
      if (!hasWildcard(segment)) {
        next.push(base ? `${base}/${segment}` : segment);
        continue;
      }
      const dir = await resolveInRoot(src.root, base);
      const rx = segmentRegExp(segment);
      for (const name of (await readdir(dir).catch(() => [] as string[])).sort())
        if (rx.test(name)) next.push(base ? `${base}/${name}` : name);
    }
    candidates = next;
  }
  return candidates;
}

function notFound(src: SourceRoot, name: string, cmd: string): BuildError {
  return new BuildError(
    src.isContext
      ? `${cmd} failed: file not found in build context or excluded by .dockerignore: stat ${name}: file does not exist`
      : `${cmd} failed: stat ${name}: file does not exist`,
    1,
  );
}

/** The sources one pattern names; a missing one is an error worded as Docker's. */
export async function resolveSources(src: SourceRoot, pattern: string, cmd: string): Promise<CopySource[]> {
  const clean = posix.normalize(pattern.replace(/^\/+/, '')) || '.';
  if (src.isContext && escapesLexically(clean))
    throw new BuildError(`${cmd} failed: forbidden path outside the build context: ${pattern} ()`, 1);
  const rels = hasWildcard(clean) ? await expandPattern(src, clean) : [clean === '.' ? '' : clean];
  const out: CopySource[] = [];
  for (const rel of rels) {
    const hostPath = await resolveInRoot(src.root, rel);
    const st = await lstat(hostPath).catch(() => undefined);
    if (!st) continue;
    out.push({ hostPath, rel, isDir: st.isDirectory() });
  }
  if (out.length === 0) throw notFound(src, clean, cmd);
  return out;
}

async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** An entry under a directory source, with its lstat. */
export interface TreeEntry {
  host: string;
  rel: string;
  st: Stats;
}

/**
 * Lists a directory source (not following symlinks) in walk order: an entry, then what is under it, then its next
 * sibling (names sorted). Each directory's entries are stat'ed LIST_AT_ONCE at a time: one by one, a context of small
 * files waited a thread-pool round trip per entry.
 */
export async function listTree(hostDir: string, relBase: string, out: TreeEntry[] = []): Promise<TreeEntry[]> {
  const names = (await readdir(hostDir)).sort();
  for (let i = 0; i < names.length; i += LIST_AT_ONCE) {
    const chunk = names.slice(i, i + LIST_AT_ONCE);
    const stats = await Promise.all(chunk.map((name) => lstat(join(hostDir, name))));
    for (const [j, name] of chunk.entries()) {
      const entry = { host: join(hostDir, name), rel: relBase ? `${relBase}/${name}` : name, st: stats[j] as Stats };
      out.push(entry);
      if (entry.st.isDirectory()) await listTree(entry.host, entry.rel, out);
    }
  }
  return out;
}

const LIST_AT_ONCE = 64;

/** Entries of one directory described at once (their lstat and file digests in parallel), at most this many. */
const DESCRIBE_AT_ONCE = 64;

/** One digest over the sources' names, types, modes and each file's content digest (hex, as in Docker's `file:<hash>`). */
export async function hashSources(src: SourceRoot, sources: CopySource[]): Promise<string> {
  const hash = createHash('sha256');
  const describe = async (host: string, rel: string): Promise<{ text: string; isDir: boolean }> => {
    const st = await lstat(host);
    const type = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : st.isFile() ? 'f' : 'o';
    const text = `${rel}\0${type}\0${(st.mode & 0o7777).toString(8)}\0${st.isFile() ? st.size : 0}\0${type === 'l' ? await readlink(host) : ''}\0`;
    const digest = type === 'f' ? (src.digests?.get(host) ?? (await fileDigest(host))) : '';
    return { text: text + digest, isDir: type === 'd' };
  };
  // Walk order: an entry, then what is under it, then its next sibling (names sorted); symlinks not followed.
  const walk = async (hostDir: string, relBase: string): Promise<void> => {
    const names = (await readdir(hostDir)).sort();
    for (let i = 0; i < names.length; i += DESCRIBE_AT_ONCE) {
      const chunk = names.slice(i, i + DESCRIBE_AT_ONCE);
      const rels = chunk.map((name) => (relBase ? `${relBase}/${name}` : name));
      const described = await Promise.all(chunk.map((name, j) => describe(join(hostDir, name), rels[j] as string)));
      for (const [j, d] of described.entries()) {
        hash.update(d.text);
        if (d.isDir) await walk(join(hostDir, chunk[j] as string), rels[j] as string);
      }
    }
  };
  for (const s of sources) {
    // A source named directly is followed: hash what it points at.
    const st = await lstat(s.hostPath);
    hash.update(`@${s.rel}\0`);
    if (st.isDirectory()) await walk(s.hostPath, s.rel);
    else hash.update((await describe(s.hostPath, s.rel)).text);
  }
  return hash.digest('hex');
}
