// Reads conmon's k8s-file logs ("<RFC3339Nano> stdout|stderr F|P <text>" per line; P = partial line, no
// newline) as log entries: since/until/tail filters, and follow until told to stop, draining what remains.
import { createReadStream, watch, type FSWatcher } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { LogEntry, LogReadOptions } from '../../core/runtime/runtime.js';
import { formatTimeNano } from '../../lib/time.js';

export function parseTimeNano(rfc3339: string): bigint {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(rfc3339);
  if (!m) return 0n;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 9) || '0');
}

export function parseLine(line: string): LogEntry | undefined {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  const c = line.indexOf(' ', b + 1);
  if (a < 0 || b < 0) return undefined;
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  const text = c < 0 ? '' : line.slice(c + 1);
  return { time: formatTimeNano(parseTimeNano(line.slice(0, a))), stream, data: Buffer.from(tag.startsWith('P') ? text : `${text}\n`) };
}

const wanted = (e: LogEntry, o: LogReadOptions): boolean => {
  if (e.stream === 'stdout' ? !o.stdout : !o.stderr) return false;
  if (o.sinceNano === 0n && o.untilNano === undefined) return true;
  const t = parseTimeNano(e.time);
  return t >= o.sinceNano && (o.untilNano === undefined || t <= o.untilNano);
};

/** Splits a byte buffer into complete lines; returns them and the unfinished rest. */
function splitLines(buf: Buffer): { lines: string[]; rest: Buffer } {
  const lines: string[] = [];
  let start = 0;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, start)) {
    lines.push(buf.subarray(start, i).toString('utf8'));
    start = i + 1;
  }
  return { lines, rest: buf.subarray(start) };
}

async function* readFrom(path: string, offset: number): AsyncGenerator<{ lines: string[]; offset: number }> {
  let rest: Buffer = Buffer.alloc(0);
  let position = offset;
  try {
    for await (const chunk of createReadStream(path, { start: offset, highWaterMark: 256 * 1024 })) {
      const buf = rest.length > 0 ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
      const split = splitLines(buf);
      rest = split.rest;
      position += (chunk as Buffer).length;
      yield { lines: split.lines, offset: position - rest.length };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export async function* readK8sLog(path: string, options: LogReadOptions): AsyncGenerator<LogEntry> {
  let offset = 0;
  // What is there now: with tail, only the last N matching entries.
  if (options.tail !== undefined) {
    const ring: LogEntry[] = [];
    if (options.tail > 0) {
      for await (const batch of readFrom(path, 0)) {
        for (const line of batch.lines) {
          const e = parseLine(line);
          if (e && wanted(e, options)) {
            ring.push(e);
            if (ring.length > options.tail) ring.shift();
          }
        }
        offset = batch.offset;
      }
    } else offset = await stat(path).then((s) => s.size, () => 0);
    yield* ring;
  } else {
    for await (const batch of readFrom(path, 0)) {
      for (const line of batch.lines) {
        const e = parseLine(line);
        if (e && wanted(e, options)) yield e;
      }
      offset = batch.offset;
    }
  }
  if (!options.follow) return;

  const signal = options.signal;
  let changed: () => void = () => undefined;
  const onChange = (): void => changed();
  let watcher: FSWatcher | undefined;
  const startWatch = (): void => {
    try {
      watcher = watch(path, onChange);
    } catch {
      watcher = watch(dirname(path), (_e, name) => {
        if (name === basename(path)) onChange();
      });
    }
  };
  startWatch();
  signal?.addEventListener('abort', onChange, { once: true });
  try {
    for (;;) {
      const wake = new Promise<void>((resolve) => (changed = resolve));
      const size = await stat(path).then((s) => s.size, () => 0);
      if (size < offset) offset = 0; // truncated by conmon's size cap: start over
      if (size > offset) {
        for await (const batch of readFrom(path, offset)) {
          for (const line of batch.lines) {
            const e = parseLine(line);
            if (e && wanted(e, options)) yield e;
          }
          offset = batch.offset;
        }
        continue;
      }
      if (signal?.aborted) return;
      if (options.untilNano !== undefined && BigInt(Date.now()) * 1_000_000n > options.untilNano) return;
      await wake;
    }
  } finally {
    watcher?.close();
    signal?.removeEventListener('abort', onChange);
  }
}

/** Opens and closes the file so a watch on it can start (the log may not exist before the first start). */
export async function touch(path: string): Promise<void> {
  const fh = await open(path, 'a');
  await fh.close();
}
