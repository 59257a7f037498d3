// berth cp: files between a container and the local filesystem, with docker's client-side rules (the daemon
// only stats, tars and untars): where the copy lands and under which name follows PrepareArchiveCopy (an
// existing directory receives the source; otherwise the entries are renamed to the destination's base name
// and extracted in its parent); `dir/.` copies a directory's contents; -L follows a symlink source; `-` is a
// tar stream on stdin or stdout. Local trees are read and written through held directories (lib/fs).
import { lstat, realpath, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import type { DockerCommand } from '../command.js';
import { requireArgs, usageError } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { ApiError } from '../../client/engine-client.js';
import { packTree } from '../../lib/fs/pack-tree.js';
import { extractTar } from '../../lib/fs/extract-tar.js';
import { openDirNoFollow } from '../../lib/fs/fd-root.js';
import { humanSize } from '../format/units.js';

interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

// Go os.FileMode bits (beyond 32-bit integer operators, so tested arithmetically).
const bit = (mode: number, n: number): boolean => Math.floor(mode / 2 ** n) % 2 === 1;
const isDirMode = (mode: number): boolean => bit(mode, 31);
const isSymlinkMode = (mode: number): boolean => bit(mode, 27);
/** No type bit set (dir, symlink, device, pipe, socket, char device, irregular). */
const isRegularMode = (mode: number): boolean => ![31, 27, 26, 25, 24, 21, 19].some((n) => bit(mode, n));

/** Splits `CONTAINER:PATH`; a local path with a colon must start with `/` or `.` to be taken as local. */
function splitCpArg(arg: string): { container: string; path: string } {
  if (posix.isAbsolute(arg) || arg.startsWith('.')) return { container: '', path: arg };
  const i = arg.indexOf(':');
  return i < 0 ? { container: '', path: arg } : { container: arg.slice(0, i), path: arg.slice(i + 1) };
}

/** Go's filepath.Split into (dir, base) as docker's SplitPathDirEntry: `a/.` keeps `.` as its base. */
function splitPathDirEntry(path: string): { dir: string; base: string } {
  let cleaned = posix.normalize(path);
  if (path.endsWith('/.') || path === '.') cleaned = cleaned === '.' ? '.' : `${cleaned.replace(/\/$/, '')}/.`;
  else cleaned = cleaned.length > 1 ? cleaned.replace(/\/+$/, '') : cleaned;
  if (cleaned === '.' && !path.endsWith('.')) return { dir: '.', base: '.' };
  const slash = cleaned.lastIndexOf('/');
  return slash < 0
    ? { dir: '.', base: cleaned }
    : { dir: cleaned.slice(0, slash) || '/', base: cleaned.slice(slash + 1) };
}

const assertsDirectory = (path: string): boolean => path.endsWith('/') || path.endsWith('/.') || path === '.';

/** A rename of the first path component, as docker's RebaseArchiveEntries. */
const rebase =
  (oldBase: string, newBase: string) =>
  (name: string): string | undefined => {
    const trimmed = name.replace(/^\/+/, '');
    if (trimmed === oldBase || trimmed === `${oldBase}/`) return `${newBase}${trimmed.slice(oldBase.length)}`;
    if (trimmed.startsWith(`${oldBase}/`)) return `${newBase}${trimmed.slice(oldBase.length)}`;
    return name;
  };

function decodeStat(header: string | string[] | undefined): PathStat {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) throw new CliExit(1, 'Error: unable to get resource stat from response');
  return JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as PathStat;
}

interface CpFlags {
  archive?: boolean;
  followLink?: boolean;
  quiet?: boolean;
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH')
    .description('Copy files/folders between a container and the local filesystem')
    .argument('[args...]')
    .option('-a, --archive', 'Archive mode (copy all uid/gid information)')
    .option('-L, --follow-link', 'Always follow symbol link in SRC_PATH')
    .option(
      '-q, --quiet',
      'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached to STDERR',
    ) as DockerCommand;
  cmd.action(async (args: string[], flags: CpFlags) => {
    requireArgs(cmd, args, { exact: 2 });
    const [srcArg = '', dstArg = ''] = args;
    if (srcArg === '') throw new CliExit(1, 'source can not be empty');
    if (dstArg === '') throw new CliExit(1, 'destination can not be empty');
    const src = splitCpArg(srcArg);
    const dst = splitCpArg(dstArg);
    if (src.container && dst.container) throw new CliExit(1, 'copying between containers is not supported');
    if (!src.container && !dst.container) throw usageError(cmd, 'must specify at least one container source', 1);
    const quiet = flags.quiet || !ctx.stderr.isTTY;
    const copied = src.container
      ? await copyFromContainer(ctx, src.container, src.path, dst.path, flags.followLink ?? false)
      : await copyToContainer(
          ctx,
          src.path,
          dst.container,
          dst.path,
          flags.followLink ?? false,
          flags.archive ?? false,
        );
    if (!quiet && copied) ctx.stderr.write(`Successfully copied ${humanSize(copied.bytes)} to ${copied.to}\n`);
  });
  return cmd;
}

async function statContainerPath(ctx: CliContext, container: string, path: string): Promise<PathStat | undefined> {
  const res = await ctx.client.containers.archiveInfo(container, path).catch((err: unknown) => {
    // As docker: any failure to stat is ignored (a HEAD error has no body to read anyway); the copy itself reports.
    if (err instanceof ApiError) return undefined;
    throw err;
  });
  if (!res) return undefined;
  res.resume();
  return decodeStat(res.headers['x-docker-container-path-stat']);
}

/** Counts the bytes going through (a pass-through, so nothing flows before the consumer reads). */
function counting(stream: Readable, counter: { bytes: number }): Readable {
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counter.bytes += chunk.length;
      done(null, chunk);
    },
  });
  stream.on('error', (err) => counted.destroy(err));
  return stream.pipe(counted);
}

export async function copyFromContainer(
  ctx: CliContext,
  container: string,
  srcPath: string,
  dstPath: string,
  followLink: boolean,
): Promise<{ bytes: number; to: string } | undefined> {
  let path = srcPath;
  if (followLink) {
    const s = await statContainerPath(ctx, container, srcPath);
    if (s && isSymlinkMode(s.mode))
      path = posix.isAbsolute(s.linkTarget) ? s.linkTarget : posix.join(splitPathDirEntry(srcPath).dir, s.linkTarget);
  }
  const res = await ctx.client.containers.getArchive(container, path);
  if (dstPath === '-') {
    await pipeline(res, ctx.stdout, { end: false });
    return undefined;
  }
  const st = decodeStat(res.headers['x-docker-container-path-stat']);
  const srcIsDir = isDirMode(st.mode);
  const counter = { bytes: 0 };
  const body = counting(res, counter);
  // The destination, symlinks followed (CopyInfoDestinationPath).
  const dstStat = await stat(dstPath).catch((err: NodeJS.ErrnoException) =>
    err.code === 'ENOENT' ? undefined : Promise.reject(err),
  );
  if (dstStat && !dstStat.isDirectory() && assertsDirectory(dstPath)) {
    res.destroy();
    throw new CliExit(1, 'not a directory');
  }
  const { dir: dstDir, base: dstBase } = splitPathDirEntry(dstPath);
  const srcBase = splitPathDirEntry(path).base;
  let extractDir: string;
  let rename: ((name: string) => string | undefined) | undefined;
  if (dstStat?.isDirectory()) extractDir = dstPath;
  else if (dstStat && srcIsDir) {
    res.destroy();
    throw new CliExit(1, 'cannot copy directory');
  } else if (!dstStat && !srcIsDir && assertsDirectory(dstPath)) {
    res.destroy();
    throw new CliExit(1, 'no such directory');
  } else {
    extractDir = dstDir;
    rename = rebase(srcBase, dstBase);
  }
  const dir = await openDirNoFollow(await realpath(extractDir)).catch((err: NodeJS.ErrnoException) => {
    res.destroy();
    throw new CliExit(1, `${err.code === 'ENOENT' ? `lstat ${extractDir}: no such file or directory` : err.message}`);
  });
  try {
    await extractTar(dir, body, { noOverwriteDirNonDir: false, noChown: true, rename });
  } catch (err) {
    throw new CliExit(1, (err as Error).message);
  } finally {
    await dir.close();
  }
  return { bytes: counter.bytes, to: dstPath };
}

export async function copyToContainer(
  ctx: CliContext,
  srcPath: string,
  container: string,
  dstPath: string,
  followLink: boolean,
  copyUIDGID: boolean,
): Promise<{ bytes: number; to: string } | undefined> {
  let dstInfoPath = dstPath;
  let dstStat = await statContainerPath(ctx, container, dstPath);
  if (dstStat && isSymlinkMode(dstStat.mode)) {
    dstInfoPath = posix.isAbsolute(dstStat.linkTarget)
      ? dstStat.linkTarget
      : posix.join(splitPathDirEntry(dstPath).dir, dstStat.linkTarget);
    dstStat = await statContainerPath(ctx, container, dstInfoPath);
  }
  if (dstStat && !isDirMode(dstStat.mode) && !isRegularMode(dstStat.mode)) {
    throw new CliExit(1, `Error: destination "${container}:${dstPath}" must be a directory or a regular file`);
  }
  const dstIsDir = dstStat !== undefined && isDirMode(dstStat.mode);
  const put = async (target: string, body: Readable): Promise<void> => {
    await ctx.client.containers.putArchive(
      container,
      { path: target, noOverwriteDirNonDir: '1', copyUIDGID: copyUIDGID ? '1' : undefined },
      body,
    );
  };
  if (srcPath === '-') {
    if (!dstIsDir) throw new CliExit(1, `destination "${container}:${dstPath}" must be a directory`);
    await put(dstInfoPath, ctx.stdin);
    return undefined;
  }
  // The local source (CopyInfoSourcePath): -L follows a symlink, keeping the name given.
  let resolved = srcPath;
  if (followLink)
    resolved =
      (await realpath(srcPath).catch(() => srcPath)) +
      (srcPath.endsWith('/.') ? '/.' : srcPath.endsWith('/') ? '/' : '');
  const srcStat = await lstat(resolved).catch((err: NodeJS.ErrnoException) => {
    throw new CliExit(1, err.code === 'ENOENT' ? `lstat ${srcPath}: no such file or directory` : err.message);
  });
  const srcIsDir = srcStat.isDirectory() || (srcStat.isSymbolicLink() && assertsDirectory(resolved));
  const { dir: srcDir, base: srcBase } = splitPathDirEntry(resolved);
  const { dir: dstDir, base: dstBase } = splitPathDirEntry(dstInfoPath);
  let target: string;
  let tarName: string;
  if (dstStat && dstIsDir) {
    target = dstInfoPath;
    tarName = splitPathDirEntry(srcPath).base;
  } else if (dstStat && srcIsDir) throw new CliExit(1, 'cannot copy directory');
  else if (!dstStat && !srcIsDir && assertsDirectory(dstInfoPath)) throw new CliExit(1, 'no such directory');
  else {
    target = dstDir;
    tarName = dstBase;
  }
  const held = await openDirNoFollow(await realpath(srcDir));
  const counter = { bytes: 0 };
  try {
    // `dir/.`: the directory itself, its entries named `./...` (or the destination's name).
    const name = srcBase === '.' ? '' : srcBase;
    const tar = counting(packTree(held, name, tarName), counter);
    await put(target, tar);
  } finally {
    await held.close();
  }
  return { bytes: counter.bytes, to: `${container}:${dstPath}` };
}
