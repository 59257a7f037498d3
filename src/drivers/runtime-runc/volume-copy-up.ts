// Copy-up: a volume mounted for the first time over a directory the image fills gets that content, as Docker
// does, only when the volume is still empty. The image path is resolved inside the mounted rootfs (no escape
// through symlinks); `cp -a` keeps owners, modes, links and the directory's own attributes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readdir, stat } from 'node:fs/promises';
import { resolveInRoot } from '../../lib/fs/in-root.js';
import type { PlannedMount } from '../../core/containers/mount-specs.js';

const run = promisify(execFile);

const isEmptyDir = (path: string): Promise<boolean> =>
  readdir(path).then(
    (e) => e.length === 0,
    () => false,
  );

export async function copyUpVolumes(
  mounts: PlannedMount[],
  rootfs: string,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  for (const m of mounts) {
    if (!m.copyUp || !(await isEmptyDir(m.source))) continue;
    const from = await resolveInRoot(rootfs, m.destination).catch(() => undefined);
    if (
      !from ||
      !(await stat(from).then(
        (s) => s.isDirectory(),
        () => false,
      ))
    )
      continue;
    if (await isEmptyDir(from)) continue;
    await run('cp', ['-a', '--', `${from}/.`, `${m.source}/`], { signal: options.signal });
  }
}
