// What a follower needs when the live log is replaced by the tail of itself (log-split.ts at a container's exit):
// it has read the old file, and the new one holds that file's content from `keptFrom` on, so it goes on at its
// position less keptFrom instead of reading those lines twice. In memory: followers live in this process too.
// A few recent replacements per path, chained, for a follower that was slow to look. A live file that begins
// with lines moved from `.1` (log-split.ts moveTailToLive) says where a follower coming from any other file goes on:
// after those lines, which it read from the file that became `.1`.

interface Replacement {
  fromIno: number;
  toIno: number;
  keptFrom: number;
  /** Where a follower coming from another file than fromIno goes on. */
  fromOthersAt?: number;
  at: number;
}

const KEEP_MS = 60_000;
const replaced = new Map<string, Replacement[]>();

export function noteReplaced(path: string, r: Omit<Replacement, 'at'>): void {
  const now = Date.now();
  for (const [p, list] of replaced) {
    const recent = list.filter((x) => now - x.at < KEEP_MS);
    if (recent.length === 0) replaced.delete(p);
    else replaced.set(p, recent);
  }
  replaced.set(path, [...(replaced.get(path) ?? []), { ...r, at: now }]);
}

/**
 * Where a reader that was at `position` in inode `fromIno` goes on in the file now at `path` (inode `toIno`):
 * its position less what the replacements in between left out, or 0 when the new file is no such replacement.
 */
export function continuedPosition(path: string, fromIno: number, toIno: number, position: number): number {
  let ino = fromIno;
  let at = position;
  for (const r of replaced.get(path) ?? []) {
    if (r.fromIno === ino) at = Math.max(0, at - r.keptFrom);
    else if (r.fromOthersAt !== undefined) at = r.fromOthersAt;
    else continue;
    ino = r.toIno;
    if (ino === toIno) return at;
  }
  return 0;
}
