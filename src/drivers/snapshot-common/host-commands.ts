// The few file operations Node cannot do itself: device nodes and extended attributes (mknod, setfattr).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { overlayMountOptions } from '../../lib/fs/overlay-xattrs.js';
import { mountOverlay as mountOverlayFs, unmount as unmountFs } from '../../lib/mount.js';

const run = promisify(execFile);

export async function makeNode(path: string, type: 'c' | 'b' | 'p', major = 0, minor = 0, mode = 0o600): Promise<void> {
  const args = ['-m', (mode & 0o7777).toString(8), path, type];
  if (type !== 'p') args.push(String(major), String(minor));
  await run('mknod', args);
}

export async function setXattr(path: string, name: string, value: string): Promise<void> {
  await run('setfattr', ['-h', '-n', name, '-v', value, path]);
}

export async function mountOverlay(lower: string[], upper: string, work: string, target: string): Promise<void> {
  await mountOverlayFs(
    [...overlayMountOptions(), `lowerdir=${lower.join(':')}`, `upperdir=${upper}`, `workdir=${work}`],
    target,
  );
}

export async function unmount(target: string): Promise<void> {
  await unmountFs(target);
}
