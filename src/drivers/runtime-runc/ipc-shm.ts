// /dev/shm that other containers can share: a shareable container's tmpfs is mounted on the host side (in its
// state dir) and bound in, so an IpcMode container:<id> joiner can bind the same one (a mount inside another
// mount namespace cannot be bound across).
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { failedPrecondition } from '../../core/errdefs.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import { DEFAULT_SHM_SIZE } from '../../core/runtime/docker-defaults.js';
import { mountTmpfs } from '../../lib/mount.js';

const isMountPoint = (path: string): Promise<boolean> =>
  readFile('/proc/self/mountinfo', 'utf8').then(
    (t) => t.split('\n').some((l) => l.split(' ')[4] === path),
    () => false,
  );

/** The host-side /dev/shm to bind in: the donor's, or this container's own when it is shareable; else none. */
export async function ipcShm(
  stateDir: (id: string) => string,
  c: ContainerRecord,
  donor: string | undefined,
): Promise<string | undefined> {
  if (donor) {
    const path = join(stateDir(donor), 'shm');
    if (!(await isMountPoint(path)))
      throw failedPrecondition(
        `IpcMode container:${donor}: the donor's /dev/shm is not shareable (restart it with IpcMode shareable)`,
      );
    return path;
  }
  if (c.hostConfig.IpcMode !== 'shareable') return undefined;
  const path = join(stateDir(c.id), 'shm');
  await mkdir(path, { recursive: true, mode: 0o700 });
  const size = c.hostConfig.ShmSize && c.hostConfig.ShmSize > 0 ? c.hostConfig.ShmSize : DEFAULT_SHM_SIZE;
  if (!(await isMountPoint(path)))
    await mountTmpfs('shm', path, ['nosuid', 'nodev', 'noexec', 'mode=1777', `size=${size}`]);
  return path;
}
