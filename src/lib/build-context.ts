// A build context as the Engine API's /build takes it: the directory (minus .dockerignore matches) packed into a
// tar file, with a Dockerfile from outside the context (or given as text) carried inside as `.dockerfile.<random>`.
// Shared by `berth build` and `berth compose build`.
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { isIgnored, mayReinclude, parseDockerignore, type IgnorePattern } from './dockerignore.js';

type TarHeader = Parameters<tar.Pack['entry']>[0];

async function addTree(
  pack: tar.Pack,
  root: string,
  rel: string,
  ignore: IgnorePattern[],
  always: Set<string>,
): Promise<void> {
  for (const name of (await readdir(join(root, rel))).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    const full = join(root, path);
    if (isIgnored(ignore, path) && !always.has(path)) {
      // As docker's archiver: an excluded directory is still walked when a `!` pattern re-includes something in it.
      if (mayReinclude(ignore, path) && (await lstat(full)).isDirectory())
        await addTree(pack, root, path, ignore, always);
      continue;
    }
    const st = await lstat(full);
    const base: TarHeader = { name: path, mode: st.mode & 0o7777, mtime: st.mtime, uid: 0, gid: 0 };
    if (st.isDirectory()) {
      await new Promise<void>((ok, fail) =>
        pack.entry({ ...base, name: `${path}/`, type: 'directory' }, (e) => (e ? fail(e) : ok())),
      );
      await addTree(pack, root, path, ignore, always);
    } else if (st.isSymbolicLink()) {
      const linkname = await readlink(full);
      await new Promise<void>((ok, fail) =>
        pack.entry({ ...base, type: 'symlink', linkname }, (e) => (e ? fail(e) : ok())),
      );
    } else if (st.isFile()) {
      await pipeline(createReadStream(full), pack.entry({ ...base, type: 'file', size: st.size }));
    }
  }
}

/** Packs the context into `out`; returns the dockerfile path to name in the request. */
export async function packContext(
  contextDir: string,
  dockerfile: { path?: string; text?: string },
  out: string,
): Promise<string> {
  const ignore = parseDockerignore(await readFile(join(contextDir, '.dockerignore'), 'utf8').catch(() => ''));
  const pack = tar.pack();
  const done = pipeline(pack, createWriteStream(out));
  let name = 'Dockerfile';
  let inject: string | undefined = dockerfile.text;
  if (dockerfile.path !== undefined) {
    const rel = relative(contextDir, dockerfile.path);
    if (rel.startsWith('..') || rel.startsWith(sep)) inject = await readFile(dockerfile.path, 'utf8');
    else name = rel.split(sep).join('/');
  }
  if (inject !== undefined) name = `.dockerfile.${randomBytes(10).toString('hex')}`;
  await addTree(pack, contextDir, '', ignore, new Set([name, '.dockerignore']));
  if (inject !== undefined) pack.entry({ name, mode: 0o600, mtime: new Date() }, inject);
  pack.finalize();
  await done;
  return name;
}
