import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, appendFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineJoiner, normaliseLogTime, parseLine, parseTimeNano, readK8sLog } from './k8s-log.js';
import { formatTimeNano } from '../../lib/time.js';
import type { LogEntry, LogReadOptions } from '../../core/runtime/runtime.js';

const all: LogReadOptions = {
  follow: false,
  sinceNano: 0n,
  untilNano: undefined,
  tail: undefined,
  stdout: true,
  stderr: true,
};

async function collect(path: string, o: Partial<LogReadOptions> = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const e of readK8sLog(path, { ...all, ...o })) out.push(`${e.stream}:${e.data.toString()}`);
  return out;
}

test('k8s-file lines parse into stream, partial flag, text and a nanosecond time', () => {
  assert.deepEqual(parseLine('2024-01-02T03:04:05.123456789Z stdout F hello world'), {
    time: '2024-01-02T03:04:05.123456789Z',
    stream: 'stdout',
    partial: false,
    text: 'hello world',
  });
  assert.equal(parseLine('2024-01-02T03:04:05.1+01:00 stderr P x')?.time, '2024-01-02T02:04:05.100000000Z');
  assert.equal(parseLine('2024-01-02T03:04:05Z stdout F')?.text, '');
  assert.equal(parseLine('garbage'), undefined);
  assert.equal(parseTimeNano('2024-01-02T03:04:05.000000001Z') % 1_000_000_000n, 1n);
});

test('normaliseLogTime gives what a full parse and format gives, across seconds, days and offsets', () => {
  for (const raw of [
    '2024-01-02T03:04:05.123456789Z',
    '2024-01-02T03:04:05.9Z',
    '2024-01-02T03:04:05Z',
    '2024-01-02T03:04:06.000000001Z',
    '2024-01-01T00:30:00.5+01:00',
    '2024-01-01T00:30:00.6+01:00',
    '2023-12-31T23:30:00.123-02:30',
    '2024-02-29T23:59:59.999999999-00:00',
    '2024-02-29T23:59:59.999999999+00:00',
  ])
    assert.equal(normaliseLogTime(raw), formatTimeNano(parseTimeNano(raw)), raw);
  assert.equal(normaliseLogTime('garbage'), formatTimeNano(0n));
});

test("partial lines are joined per stream and keep the first part's time", () => {
  const j = new LineJoiner();
  assert.equal(j.push({ time: 't1', stream: 'stdout', partial: true, text: 'ab' }), undefined);
  const err = j.push({ time: 't2', stream: 'stderr', partial: false, text: 'e' });
  assert.equal(err?.data.toString(), 'e\n');
  const out = j.push({ time: 't3', stream: 'stdout', partial: false, text: 'cd' }) as LogEntry;
  assert.deepEqual([out.time, out.data.toString()], ['t1', 'abcd\n']);
  j.push({ time: 't4', stream: 'stdout', partial: true, text: 'tail' });
  assert.deepEqual(
    j.flush().map((e) => e.data.toString()),
    ['tail'],
  );
});

test('rotated files are read oldest first, then the live one; tail spans them; since/until filter', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-k8slog-'));
  try {
    const log = join(dir, 'c.log');
    await writeFile(`${log}.2`, '2024-01-01T00:00:01Z stdout F one\n');
    await writeFile(`${log}.1`, '2024-01-01T00:00:02Z stdout P tw\n2024-01-01T00:00:03Z stdout F o\n');
    await writeFile(log, '2024-01-01T00:00:04Z stderr F three\n2024-01-01T00:00:05Z stdout F four\nunfinished');
    assert.deepEqual(await collect(log), ['stdout:one\n', 'stdout:two\n', 'stderr:three\n', 'stdout:four\n']);
    assert.deepEqual(await collect(log, { tail: 2 }), ['stderr:three\n', 'stdout:four\n']);
    assert.deepEqual(await collect(log, { stdout: false }), ['stderr:three\n']);
    assert.deepEqual(
      await collect(log, {
        sinceNano: parseTimeNano('2024-01-01T00:00:03Z'),
        untilNano: parseTimeNano('2024-01-01T00:00:04Z'),
      }),
      ['stderr:three\n'],
    );
    assert.deepEqual(await collect(join(dir, 'missing.log')), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('follow continues across a rotation: the old file is finished, then the new one read from its start', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-k8slog-'));
  const log = join(dir, 'c.log');
  const stop = new AbortController();
  try {
    await writeFile(log, '2024-01-01T00:00:01Z stdout F a\n');
    const seen: string[] = [];
    let step = 0;
    for await (const e of readK8sLog(log, { ...all, follow: true, signal: stop.signal })) {
      seen.push(e.data.toString());
      step++;
      if (step === 1) {
        // The writer still holds the old file: a line lands there after the rename, then a new file appears.
        await rename(log, `${log}.1`);
        await appendFile(`${log}.1`, '2024-01-01T00:00:02Z stdout F b\n');
        await writeFile(log, '2024-01-01T00:00:03Z stdout F c\n');
      }
      if (step === 3) stop.abort();
    }
    assert.deepEqual(seen, ['a\n', 'b\n', 'c\n']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('follow stopped after it reached the end reads the lines written before the stop, then ends', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-k8slog-'));
  try {
    const path = join(dir, 'c.log');
    // A partial line at the end: the follower hands it over at the end of its pass (a point where it waits for its
    // client), and that is where the last line and the stop come, as conmon's last write and the exit do.
    await writeFile(path, '2024-01-01T00:00:00.1Z stdout F a\n2024-01-01T00:00:00.2Z stdout P part');
    await appendFile(path, '\n');
    const stop = new AbortController();
    const seen: string[] = [];
    for await (const e of readK8sLog(path, { ...all, follow: true, signal: stop.signal })) {
      seen.push(e.data.toString());
      if (e.data.toString() === 'part') {
        await appendFile(path, '2024-01-01T00:00:00.3Z stdout F gone\n');
        stop.abort();
      }
    }
    assert.deepEqual(seen, ['a\n', 'part', 'gone\n']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
