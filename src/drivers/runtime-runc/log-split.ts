// Docker's json-file rotation decided after the fact. dockerd rotates on the write after the one that brought the
// file to max-size, so each file it keeps holds whole lines and ends at most one line past max-size. berth's
// rotator renames the log only once it sees it over max-size (and asks conmon to reopen), and nothing rotates at the
// exit, so after a burst one closed file can hold many max-sizes of lines. Splitting that file where dockerd would
// have rotated gives the files dockerd would keep: the pieces take its place and the slots above it, older files
// shift up, and whatever falls beyond max-file goes, as dockerd's oldest file goes.
//
// Only a file no one writes is split: the live file once conmon has exited, `.1` once conmon has reopened the log.
// Order, for a crash at any point: the pieces are written to temporary files first, the older files are shifted,
// the pieces renamed into place, and the split file replaced last (one rename). A crash leaves lines at worst twice
// (the pieces placed, the file not yet replaced), never loses one the limits keep; `.settle-N` leftovers are
// overwritten by the next split and go with the container.
import { open, rename, type FileHandle } from 'node:fs/promises';
import { statSync } from 'node:fs';

/** The file at rotation index `n` (0: the live one). */
export const logFileAt = (logPath: string, n: number): string => (n === 0 ? logPath : `${logPath}.${n}`);

const SCAN = 64 * 1024;

/**
 * Where dockerd would have begun a new file inside `fh` (size bytes): after each line that brought the current
 * file to maxSize, when another line follows. Ascending offsets; empty when the file needed no rotation.
 */
export async function splitOffsets(fh: FileHandle, size: number, maxSize: number): Promise<number[]> {
  const buf = Buffer.alloc(SCAN);
  const offsets: number[] = [];
  let start = 0;
  for (;;) {
    // The line holding the file's byte number maxSize is the one that brings it to max-size.
    let at = start + maxSize - 1;
    let end = -1;
    while (at < size && end < 0) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(SCAN, size - at), at);
      if (bytesRead === 0) break;
      const nl = buf.subarray(0, bytesRead).indexOf(10);
      if (nl >= 0) end = at + nl + 1;
      else at += bytesRead;
    }
    if (end < 0 || end >= size) return offsets;
    offsets.push(end);
    start = end;
  }
}

async function copyRange(from: FileHandle, start: number, end: number, to: string, flags = 'w'): Promise<void> {
  const out = await open(to, flags, 0o640);
  try {
    const buf = Buffer.alloc(Math.min(1024 * 1024, Math.max(1, end - start)));
    for (let at = start; at < end;) {
      const { bytesRead } = await from.read(buf, 0, Math.min(buf.length, end - at), at);
      if (bytesRead === 0) break;
      await out.write(buf, 0, bytesRead);
      at += bytesRead;
    }
  } finally {
    await out.close();
  }
}

export interface SplitResult {
  /** The split file's inode before, and the inode of the file that took its place. */
  fromIno: number;
  toIno: number;
  /** Where, in the file before, the content of the file now in its place begins. */
  keptFrom: number;
}

/**
 * Splits the closed file at rotation index `index` as dockerd would have rotated it (see above); undefined when it
 * needed no split. `mergeTail`: the last piece, shorter than max-size, stays with the one before it, for a rotated
 * file: those lines came while the rotation was under way, and a slot of its own for them would push a full file out.
 */
export async function splitLogFile(
  logPath: string,
  index: number,
  policy: { maxSize: number; maxFile: number },
  mergeTail: boolean,
  beforeReplace: (r: SplitResult) => void = () => undefined,
): Promise<SplitResult | undefined> {
  const path = logFileAt(logPath, index);
  const top = policy.maxFile - 1; // the highest rotated index kept
  if (top < 1 || index > top) return undefined;
  let size: number;
  try {
    // Synchronous: one stat, page cache, on a container's way out (the exit's answer waits for it).
    size = statSync(path).size;
  } catch {
    return undefined;
  }
  if (size <= policy.maxSize) return undefined;
  const fh = await open(path, 'r');
  try {
    const fromIno = (await fh.stat()).ino;
    const offsets = await splitOffsets(fh, size, policy.maxSize);
    if (mergeTail && offsets.length > 0 && size - (offsets.at(-1) ?? 0) < policy.maxSize) offsets.pop();
    const k = offsets.length;
    if (k === 0) return undefined;
    // Piece i spans [bounds[i], bounds[i+1]); the last one stays at `index`, piece k-j goes to index+j.
    const bounds = [0, ...offsets, size];
    const pieceAt = (n: number): [number, number] => {
      const i = k - (n - index);
      return [bounds[i] ?? 0, bounds[i + 1] ?? size];
    };
    const temp = (n: number): string => `${logPath}.settle-${n}`;
    const placed = Array.from({ length: Math.min(top, index + k) - index + 1 }, (_, j) => index + j);
    for (const n of placed) await copyRange(fh, ...pieceAt(n), temp(n));
    // Older files move up by k, the highest first; what would land beyond max-file is overwritten below.
    for (let n = top; n > index + k; n--)
      await rename(logFileAt(logPath, n - k), logFileAt(logPath, n)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    for (const n of placed.slice(1).reverse()) await rename(temp(n), logFileAt(logPath, n));
    const kept = await open(temp(index), 'r');
    const toIno = (await kept.stat()).ino;
    await kept.close();
    const result = { fromIno, toIno, keptFrom: bounds[k] ?? 0 };
    beforeReplace(result); // a follower that sees the new file must find how it continues
    await rename(temp(index), path);
    return result;
  } finally {
    await fh.close();
  }
}

/**
 * At the exit, after `.1` was split with its tail merged: that tail (the lines past its last full piece) begins
 * the live file instead, as in dockerd's files, where those lines began the next file. The joined live file is put
 * in place before `.1` loses the tail, so a crash in between leaves those lines twice, never none.
 */
export async function moveTailToLive(
  logPath: string,
  maxSize: number,
  beforeReplace: (r: SplitResult) => void = () => undefined,
): Promise<SplitResult | undefined> {
  const one = logFileAt(logPath, 1);
  let size: number;
  try {
    size = statSync(one).size;
  } catch {
    return undefined;
  }
  if (size <= maxSize) return undefined;
  const fh = await open(one, 'r');
  try {
    const tailFrom = (await splitOffsets(fh, size, maxSize)).at(-1);
    if (tailFrom === undefined) return undefined;
    const live = await open(logPath, 'r').catch(() => undefined);
    const joined = `${logPath}.settle-join`;
    let fromIno = -1;
    try {
      await copyRange(fh, tailFrom, size, joined);
      if (live) {
        const st = await live.stat();
        fromIno = st.ino;
        await copyRange(live, 0, st.size, joined, 'a');
      }
    } finally {
      await live?.close();
    }
    await copyRange(fh, 0, tailFrom, `${logPath}.settle-1`);
    const result = { fromIno, toIno: statSync(joined).ino, keptFrom: tailFrom - size };
    beforeReplace(result);
    await rename(joined, logPath);
    await rename(`${logPath}.settle-1`, one);
    return result;
  } finally {
    await fh.close();
  }
}
