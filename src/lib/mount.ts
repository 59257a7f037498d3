// Mounting and unmounting the trees berth assembles (container root filesystems, the builder's snapshots): one
// mount(2) or umount2(2) call on a thread-pool thread (lib/libc.ts), not a mount(8) or umount(8) process, which
// cost a fork of the daemon and an exec on every container start and removal. When the call fails, or the C
// library cannot be called, the same operation is done by mount(8)/umount(8): it succeeds where the call could
// not be made, and where the kernel refuses, its message names the reason (errno is lost across the thread hop).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  MNT_DETACH,
  MS_BIND,
  MS_NODEV,
  MS_NOEXEC,
  MS_NOSUID,
  MS_RDONLY,
  MS_REMOUNT,
  mountSyscall,
  umountSyscall,
} from './libc.js';

const run = promisify(execFile);

type Signal = { signal?: AbortSignal };

/** An overlay filesystem on target; `options` are overlay's data options (lowerdir=, upperdir=, workdir=, ...). */
export async function mountOverlay(options: string[], target: string, { signal }: Signal = {}): Promise<void> {
  signal?.throwIfAborted();
  const data = options.join(',');
  if ((await mountSyscall('overlay', target, 'overlay', 0, data)) === 'ok') return;
  await run('mount', ['-t', 'overlay', 'overlay', '-o', data, target], { signal });
}

const FLAG_OPTIONS: Record<string, number> = { nosuid: MS_NOSUID, nodev: MS_NODEV, noexec: MS_NOEXEC, ro: MS_RDONLY };

/** A tmpfs named `source` on target; `options` as mount(8)'s -o (nosuid, nodev, noexec, ro, then tmpfs's own). */
export async function mountTmpfs(source: string, target: string, options: string[]): Promise<void> {
  const flags = options.reduce((f, o) => f | (FLAG_OPTIONS[o] ?? 0), 0);
  const data = options.filter((o) => !(o in FLAG_OPTIONS)).join(',');
  if ((await mountSyscall(source, target, 'tmpfs', flags, data)) === 'ok') return;
  await run('mount', ['-t', 'tmpfs', '-o', options.join(','), source, target]);
}

/** A bind mount of source on target (not recursive), read-only when asked. */
export async function bindMount(
  source: string,
  target: string,
  { readonly = false, signal }: Signal & { readonly?: boolean } = {},
): Promise<void> {
  signal?.throwIfAborted();
  if ((await mountSyscall(source, target, null, MS_BIND, null)) === 'ok') {
    if (!readonly) return;
    // A bind mount takes its read-only flag from a remount, as mount(8) does it.
    if ((await mountSyscall(null, target, null, MS_REMOUNT | MS_BIND | MS_RDONLY, null)) === 'ok') return;
    await unmount(target, { lazy: true });
  }
  await run('mount', ['--bind', ...(readonly ? ['-o', 'ro'] : []), source, target], { signal });
}

/** Unmounts target; `lazy` detaches it even while it is busy (umount -l). */
export async function unmount(target: string, { lazy = false }: { lazy?: boolean } = {}): Promise<void> {
  if ((await umountSyscall(target, lazy ? MNT_DETACH : 0)) === 'ok') return;
  await run('umount', [...(lazy ? ['-l'] : []), target]);
}
