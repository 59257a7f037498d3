// The init layer's one tree on disk (core/containers/init-layer.ts), shared read-only by every container's overlay.
// Made once, under a temporary name then renamed into place, and never changed afterwards: containers outlive the
// daemon with it as a lower layer, and overlayfs forbids changing a lower layer under a mount. A tree found wrong
// (not ours, or damaged) is renamed aside, not removed, and a new one made.
import { chmod, lstat, mkdir, mkdtemp, readlink, rename, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { INIT_LAYER_ENTRIES } from '../../core/containers/init-layer.js';

const MODE = 0o755;

/** The daemon's own user: root, or (rootless) the user that is root inside the daemon's user namespace. */
const owner = (): { uid: number; gid: number } => ({ uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 });

async function isIntact(dir: string): Promise<boolean> {
  const { uid, gid } = owner();
  for (const e of INIT_LAYER_ENTRIES) {
    const host = join(dir, e.path);
    const st = await lstat(host).catch(() => undefined);
    if (!st || st.uid !== uid || st.gid !== gid) return false;
    if (e.type === 'dir' && !st.isDirectory()) return false;
    if (e.type === 'file' && (!st.isFile() || st.size !== 0)) return false;
    if (e.type === 'symlink' && (!st.isSymbolicLink() || (await readlink(host)) !== e.target)) return false;
    if (e.type !== 'symlink' && (st.mode & 0o7777) !== MODE) return false;
  }
  return true;
}

async function build(dir: string): Promise<void> {
  for (const e of INIT_LAYER_ENTRIES) {
    const host = join(dir, e.path);
    await mkdir(dirname(host), { recursive: true, mode: MODE });
    if (e.type === 'dir') await mkdir(host, { recursive: true, mode: MODE });
    else if (e.type === 'file') await writeFile(host, '', { mode: MODE });
    else await symlink(e.target, host);
    // The modes exactly, whatever the daemon's umask.
    if (e.type !== 'symlink') await chmod(host, MODE);
  }
  for (const d of ['/', '/dev', '/etc']) await chmod(join(dir, d), MODE);
}

/** The path of an intact init-layer tree at `dir`, made when missing or found wrong. */
export async function ensureInitLayerDir(dir: string): Promise<string> {
  if (await isIntact(dir)) return dir;
  await mkdir(dirname(dir), { recursive: true });
  const fresh = await mkdtemp(`${dir}.new-`);
  await build(fresh);
  // A damaged tree may still be some container's lower layer: set aside, never removed under it.
  await rename(dir, `${dir}.old-${Date.now()}`).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await rename(fresh, dir);
  return dir;
}
