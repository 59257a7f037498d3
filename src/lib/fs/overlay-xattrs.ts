// The one place that decides how overlayfs keeps its own attributes (opaque directories, redirects, metacopy).
// On the host they are `trusted.overlay.*`; inside a user namespace (rootless berthd) trusted.* needs
// CAP_SYS_ADMIN of the initial namespace and is refused, so overlay is mounted with `userxattr` (Linux 5.11+)
// and uses `user.overlay.*` instead. A process is one or the other for its whole life, so it is decided once,
// from /proc/self/uid_map, and every reader and writer of those xattrs and every overlay mount asks here.
import { readFileSync } from 'node:fs';
import { getAttribute } from '@napi-rs/xattr';

/** The initial user namespace maps every id to itself: `0 0 4294967295`. */
export function isInitialUidMap(uidMap: string): boolean {
  const rows = uidMap.trim().split('\n');
  return rows.length === 1 && /^0\s+0\s+4294967295$/.test(rows[0]?.trim() ?? '');
}

let inUserNs: boolean | undefined;

/** True when this process runs in a user namespace other than the host's (rootless). */
export function inUserNamespace(): boolean {
  inUserNs ??= !isInitialUidMap(readFileSync('/proc/self/uid_map', 'utf8'));
  return inUserNs;
}

/** The xattr namespace overlayfs uses for the given mode. */
export const overlayXattrPrefix = (userNs: boolean): string => (userNs ? 'user.overlay.' : 'trusted.overlay.');

/** The full name of an overlay attribute for this process, e.g. `trusted.overlay.opaque`. */
export const overlayXattr = (name: 'opaque'): string => `${overlayXattrPrefix(inUserNamespace())}${name}`;

/** Extra overlay mount options for this process: `userxattr` in a user namespace. */
export const overlayMountOptions = (): string[] => (inUserNamespace() ? ['userxattr'] : []);

/** Attributes that steer overlayfs in either mode: never taken from a layer or an archive. */
export const isOverlayXattr = (name: string): boolean =>
  name.startsWith(overlayXattrPrefix(false)) || name.startsWith(overlayXattrPrefix(true));

/**
 * Whether overlayfs marks this directory opaque (it hides what lower layers hold there). getAttribute does not
 * follow symlinks: for a held directory pass `fdPath(fd, '.')`, never the bare `/proc/<pid>/fd/<n>` link.
 */
export async function isOverlayOpaque(dirPath: string): Promise<boolean> {
  const value = await getAttribute(dirPath, overlayXattr('opaque')).catch(() => null);
  return value?.toString() === 'y';
}
