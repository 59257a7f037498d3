// Extended attributes carried in a tar's PAX headers (`SCHILY.xattr.NAME=VALUE`, as GNU tar and Docker
// write them), set on the unpacked entry without following symlinks (lsetxattr).
// Limits: tar-stream decodes PAX values as UTF-8, so a binary value (security.capability) arrives mangled;
// such values are skipped rather than written wrong. Overlay's own attributes (`trusted.overlay.*`, `user.overlay.*`)
// are never taken from a layer: they steer overlayfs (opaque, redirect, metacopy) and belong to the snapshotter alone.
import { setAttribute } from '@napi-rs/xattr';
import { ExtractError } from './extract-error.js';
import { isOverlayXattr } from './overlay-xattrs.js';

const PAX_XATTR = 'SCHILY.xattr.';
const REPLACEMENT_CHAR = '\uFFFD';

/** Filesystems without xattrs, or namespaces the caller may not write, are skipped as Docker does. */
const ignorable = (err: unknown): boolean =>
  /not supported|not permitted|os error (1|61|95)\)/i.test(String((err as Error)?.message));

export function paxXattrs(pax: Record<string, string> | null | undefined): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  for (const [key, value] of Object.entries(pax ?? {})) {
    if (!key.startsWith(PAX_XATTR)) continue;
    const name = key.slice(PAX_XATTR.length);
    if (name === '' || isOverlayXattr(name) || value.includes(REPLACEMENT_CHAR)) continue;
    out.push([name, Buffer.from(value, 'utf8')]);
  }
  return out;
}

export async function applyPaxXattrs(path: string, pax: Record<string, string> | null | undefined): Promise<void> {
  for (const [name, value] of paxXattrs(pax)) {
    try {
      await setAttribute(path, name, value);
    } catch (err) {
      if (!ignorable(err))
        throw new ExtractError(`cannot set xattr ${name}: ${(err as Error).message}`, { cause: err });
    }
  }
}
