// Reads conmon's k8s-file logs ("<RFC3339Nano> stdout|stderr F|P <text>" per line; P = a partial line,
// continued by the next P/F line of that stream) as log entries, partial lines joined. Rotated files
// (log.N … log.1, see log-rotator.ts) are read before the live one. since/until/tail filters; follow keeps
// reading the live file across rotations (by inode) until the signal aborts, draining what is there first; a live
// file replaced by its own tail (log-split.ts) is continued where the old one was left (log-continuations.ts).
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { LogEntry, LogReadOptions } from '../../core/runtime/runtime.js';
import { formatTimeNano, parseTimeNano } from '../../lib/time.js';
import { continuedPosition } from './log-continuations.js';

export { parseTimeNano };

/**
 * conmon's time of a line ("2024-01-02T03:04:05.123456789+01:00") in Docker's form (UTC, nine fraction digits).
 * The conversion of the whole seconds is kept for the next line, which mostly falls in the same second: a
 * 100 MB log is a million lines, and a Date parse and format for each was a fifth of a logs request's CPU.
 */
let lastSeconds = '';
let lastUtcSeconds = '';
export function normaliseLogTime(raw: string): string {
  // The offset is the first Z, + or - after the seconds (position 19: fixed-width date and time).
  let end = 19;
  while (end < raw.length && raw[end] !== 'Z' && raw[end] !== '+' && raw[end] !== '-') end++;
  const fraction = raw[19] === '.' ? raw.slice(20, end) : '';
  if (raw.length < 20 || raw[10] !== 'T' || !/^\d*$/.test(fraction)) return formatTimeNano(parseTimeNano(raw));
  const seconds = raw.slice(0, 19) + raw.slice(end);
  if (seconds !== lastSeconds) {
    const ms = Date.parse(seconds);
    if (Number.isNaN(ms)) return formatTimeNano(0n);
    lastUtcSeconds = new Date(ms).toISOString().slice(0, 19);
    lastSeconds = seconds;
  }
  return `${lastUtcSeconds}.${fraction.padEnd(9, '0').slice(0, 9)}Z`;
}

export interface K8sLine {
  time: string;
  stream: 'stdout' | 'stderr';
  partial: boolean;
  text: string;
}

export function parseLine(line: string): K8sLine | undefined {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  if (a < 0 || b < 0) return undefined;
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const c = line.indexOf(' ', b + 1);
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  return {
    time: normaliseLogTime(line.slice(0, a)),
    stream,
    partial: tag.startsWith('P'),
    text: c < 0 ? '' : line.slice(c + 1),
  };
}

/** Joins partial lines per stream; an entry carries the time of its first part. */
export class LineJoiner {
  private readonly pending = new Map<string, { time: string; parts: string[] }>();

  push(line: K8sLine): LogEntry | undefined {
    const held = this.pending.get(line.stream);
    if (line.partial) {
      if (held) held.parts.push(line.text);
      else this.pending.set(line.stream, { time: line.time, parts: [line.text] });
      return undefined;
    }
    this.pending.delete(line.stream);
    const text = held ? [...held.parts, line.text].join('') : line.text;
    return { time: held?.time ?? line.time, stream: line.stream, data: Buffer.from(`${text}\n`) };
  }

  /** What is held without its end (the program wrote no newline yet, or never will). */
  flush(): LogEntry[] {
    const out = [...this.pending].map(([stream, p]) => ({
      time: p.time,
      stream: stream as LogEntry['stream'],
      data: Buffer.from(p.parts.join('')),
    }));
    this.pending.clear();
    return out.sort((x, y) => (x.time < y.time ? -1 : 1));
  }
}

const wanted = (e: LogEntry, o: LogReadOptions): boolean => {
  if (e.stream === 'stdout' ? !o.stdout : !o.stderr) return false;
  if (o.sinceNano === 0n && o.untilNano === undefined) return true;
  const t = parseTimeNano(e.time);
  return t >= o.sinceNano && (o.untilNano === undefined || t <= o.untilNano);
};

/**
 * Reads the next whole lines of an open file from `cursor.position` (up to 256 KiB at a time); an unfinished
 * tail stays for the next call. Undefined at the file's current end. Lines come a chunk at a time so that a
 * million-line log costs a few hundred awaits, not a million.
 */
async function nextLines(fh: FileHandle, cursor: { position: number }, buf: Buffer): Promise<string[] | undefined> {
  let rest = Buffer.alloc(0);
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, cursor.position + rest.length);
    if (bytesRead === 0) return undefined;
    const data = rest.length ? Buffer.concat([rest, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
    const lines: string[] = [];
    let start = 0;
    for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, start)) {
      lines.push(data.toString('utf8', start, i));
      start = i + 1;
    }
    cursor.position += start;
    if (lines.length > 0) return lines;
    rest = Buffer.from(data.subarray(start));
  }
}

const openOrUndefined = (path: string): Promise<FileHandle | undefined> => open(path, 'r').catch(() => undefined);

async function rotatedFiles(path: string): Promise<string[]> {
  const files: string[] = [];
  for (let i = 1; i < 1000; i++) {
    if (
      !(await stat(`${path}.${i}`).then(
        () => true,
        () => false,
      ))
    )
      break;
    files.push(`${path}.${i}`);
  }
  return files.reverse();
}

export async function* readK8sLog(path: string, options: LogReadOptions): AsyncGenerator<LogEntry> {
  const joiner = new LineJoiner();
  // Open the live file before listing rotated ones: a rotation in between then shows as a changed inode.
  let live = await openOrUndefined(path);
  const cursor = { position: 0 };
  const ring: LogEntry[] = [];
  const tail = options.tail;
  // With tail, what is there now goes through a ring of the last N; what follows is passed straight on.
  let tailing = tail !== undefined;
  const emit = (e: LogEntry | undefined, out: LogEntry[]): void => {
    if (!e || !wanted(e, options)) return;
    if (!tailing || tail === undefined) out.push(e);
    else if (tail > 0) {
      ring.push(e);
      if (ring.length > tail) ring.shift();
    }
  };
  try {
    const buf = Buffer.alloc(256 * 1024);
    /** The entries of the next lines of fh, or undefined at its end. */
    const nextEntries = async (fh: FileHandle, at: { position: number }): Promise<LogEntry[] | undefined> => {
      const lines = await nextLines(fh, at, buf);
      if (!lines) return undefined;
      const out: LogEntry[] = [];
      for (const line of lines) {
        const parsed = parseLine(line);
        if (parsed) emit(joiner.push(parsed), out);
      }
      return out;
    };
    for (const file of await rotatedFiles(path)) {
      const fh = await openOrUndefined(file);
      if (!fh) continue;
      try {
        const at = { position: 0 };
        for (let out = await nextEntries(fh, at); out; out = await nextEntries(fh, at)) yield* out;
      } finally {
        await fh.close();
      }
    }
    // What the live file holds now, entry by entry, at one await per chunk (a nested generator would add one per entry).
    const liveEntries = (): Promise<LogEntry[] | undefined> =>
      live ? nextEntries(live, cursor) : Promise.resolve(undefined);
    for (let out = await liveEntries(); out; out = await liveEntries()) yield* out;
    if (!options.follow) {
      const out: LogEntry[] = [];
      for (const e of joiner.flush()) emit(e, out);
      yield* out;
      yield* ring.splice(0);
      return;
    }
    tailing = false;
    yield* ring.splice(0);

    let changed: () => void = () => undefined;
    const onChange = (): void => changed();
    const name = basename(path);
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(dirname(path), (_e, file) => {
        if (file?.toString() === name) onChange();
      });
      watcher.on('error', onChange);
    } catch {
      watcher = undefined;
    }
    const signal = options.signal;
    signal?.addEventListener('abort', onChange, { once: true });
    // Without an inotify watch, a slow poll keeps following correct.
    const poll = watcher ? undefined : setInterval(onChange, 500);
    try {
      for (;;) {
        const wake = new Promise<void>((resolve) => (changed = resolve));
        // Stopped before this pass began: the pass reads all there is, then ends. Checked after the pass, a stop
        // (the container's exit) could come between the pass reaching the end and the check, with conmon's last
        // lines written meanwhile: they were lost (once in 40 runs of a short container under load).
        const last = signal?.aborted ?? false;
        for (let out = await liveEntries(); out; out = await liveEntries()) yield* out;
        const current = await stat(path).catch(() => undefined);
        const held = live ? await live.stat().catch(() => undefined) : undefined;
        if (current && (!held || current.ino !== held.ino)) {
          // Rotated (or created): finish the old file, then continue at the start of the new one.
          for (let out = await liveEntries(); out; out = await liveEntries()) yield* out;
          await live?.close();
          live = await openOrUndefined(path);
          // A live file replaced by its own tail (a split at the exit) goes on after what was read already.
          const now = live ? await live.stat().catch(() => undefined) : undefined;
          cursor.position = held && now ? continuedPosition(path, held.ino, now.ino, cursor.position) : 0;
          continue;
        }
        if (held && held.size < cursor.position) cursor.position = 0; // truncated in place
        const out: LogEntry[] = [];
        for (const e of joiner.flush()) emit(e, out);
        yield* out;
        if (last) return;
        if (options.untilNano !== undefined && BigInt(Date.now()) * 1_000_000n > options.untilNano) return;
        await wake;
      }
    } finally {
      watcher?.close();
      if (poll) clearInterval(poll);
      signal?.removeEventListener('abort', onChange);
    }
  } finally {
    await live?.close();
  }
}

/** Opens and closes the file so it exists before conmon first writes (readers and watchers can start). */
export async function touch(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const fh = await open(path, 'a');
  await fh.close();
}
