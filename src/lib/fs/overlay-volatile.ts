// overlayfs's `volatile` mount option (Linux 5.10+): no sync of the upper filesystem, not even the whole-filesystem
// sync the kernel otherwise makes at every unmount (1-3 ms quiet, ~17 ms under other I/O). The kernel leaves a
// marker, <workdir>/work/incompat/volatile, and refuses every later mount of that workdir while it is there: after a
// host crash the upper may have lost writes. Removing the marker is the mounter's promise that it has not: safe when
// the marker was made during this boot (no crash since), or when the layer is thrown away after a crash anyway.
import { lstatSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

let bootSeconds: number | undefined;

/** The host's boot time (/proc/stat btime, seconds since the epoch); 0 when it cannot be read. */
function bootTime(): number {
  if (bootSeconds === undefined) {
    try {
      bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? 0);
    } catch {
      bootSeconds = 0;
    }
  }
  return bootSeconds;
}

/**
 * Before mounting an upper with this workdir: removes a `volatile` marker left by an earlier mount when that mount
 * was made since the host booted, or when `thrownAway` (the caller never reads this layer back after a crash).
 * A marker from before a crash on a layer that is kept stays, and the kernel refuses the mount with its reason.
 */
export async function clearVolatileMarker(workDir: string, thrownAway: boolean): Promise<void> {
  const incompat = join(workDir, 'work', 'incompat');
  let madeAt: number;
  try {
    madeAt = lstatSync(join(incompat, 'volatile')).ctimeMs / 1000; // in-kernel, once per mount: no thread-pool hop
  } catch {
    return;
  }
  const boot = bootTime();
  if (thrownAway || (boot > 0 && madeAt >= boot)) await rm(incompat, { recursive: true, force: true });
}

let unsupported = false;

/** The overlay options with `volatile` added, unless this kernel refused it once (see mountWithVolatileFallback). */
export const withVolatile = (options: string[]): string[] => (unsupported ? options : [...options, 'volatile']);

/** Mounts with `volatile`; a kernel older than 5.10 refuses the option: mounted without it, and never asked again. */
export async function mountWithVolatileFallback(
  options: string[],
  mount: (options: string[]) => Promise<void>,
): Promise<void> {
  if (!options.includes('volatile')) return mount(options);
  try {
    await mount(options);
  } catch (err) {
    const plain = options.filter((o) => o !== 'volatile');
    await mount(plain).catch(() => Promise.reject(err));
    unsupported = true;
  }
}
