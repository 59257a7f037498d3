import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moveTailToLive, splitLogFile } from './log-split.js';
import { continuedPosition, noteReplaced } from './log-continuations.js';

/** `n` lines "line <i>" padded to `width` bytes each, from `from`. */
const lines = (from: number, n: number, width = 10): string =>
  Array.from({ length: n }, (_, i) => `line ${from + i}`.padEnd(width - 1, '.') + '\n').join('');

async function files(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) out[name] = await readFile(join(dir, name), 'utf8');
  return out;
}

const firstLast = (s: string | undefined): string => {
  const l = (s ?? '').split('\n').filter(Boolean);
  return `${l.length}: ${l[0]?.replace(/\.+$/, '')} .. ${l.at(-1)?.replace(/\.+$/, '')}`;
};

test('a burst in the live file is split where dockerd rotates: on the write after the one that reached max-size', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-split-'));
  try {
    const log = join(dir, 'c-json.log');
    // 10-byte lines, max-size 35: a file ends after its 4th line (40 >= 35), 200 lines make 50 files.
    await writeFile(log, lines(0, 200));
    await writeFile(`${log}.1`, lines(900, 4)); // an older file: shifted out of the kept ones
    const r = await splitLogFile(log, 0, { maxSize: 35, maxFile: 3 }, false);
    assert.ok(r);
    assert.equal(r.keptFrom, 196 * 10);
    const got = await files(dir);
    assert.deepEqual(Object.keys(got), ['c-json.log', 'c-json.log.1', 'c-json.log.2']);
    assert.equal(firstLast(got['c-json.log']), '4: line 196 .. line 199');
    assert.equal(firstLast(got['c-json.log.1']), '4: line 192 .. line 195');
    assert.equal(firstLast(got['c-json.log.2']), '4: line 188 .. line 191');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a live file whose last line reached max-size needs no split; a partial tail stays live', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-split-'));
  try {
    const log = join(dir, 'c-json.log');
    await writeFile(log, lines(0, 4));
    assert.equal(await splitLogFile(log, 0, { maxSize: 35, maxFile: 3 }, false), undefined);
    await writeFile(log, lines(0, 6));
    await splitLogFile(log, 0, { maxSize: 35, maxFile: 2 }, false);
    const got = await files(dir);
    assert.equal(firstLast(got['c-json.log']), '2: line 4 .. line 5');
    assert.equal(firstLast(got['c-json.log.1']), '4: line 0 .. line 3');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a rotated file keeps its short tail with the piece before it; older files shift up by the pieces', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-split-'));
  try {
    const log = join(dir, 'c-json.log');
    await writeFile(log, ''); // conmon's new live file
    await writeFile(`${log}.1`, lines(10, 10)); // 4 + 4 + 2: the 2 stay with the second piece
    await writeFile(`${log}.2`, lines(0, 4));
    await splitLogFile(log, 1, { maxSize: 35, maxFile: 5 }, true);
    const got = await files(dir);
    assert.deepEqual(Object.keys(got), ['c-json.log', 'c-json.log.1', 'c-json.log.2', 'c-json.log.3']);
    assert.equal(firstLast(got['c-json.log.1']), '6: line 14 .. line 19');
    assert.equal(firstLast(got['c-json.log.2']), '4: line 10 .. line 13');
    assert.equal(firstLast(got['c-json.log.3']), '4: line 0 .. line 3');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a follower of a replaced live file goes on after what it read, through chained replacements', () => {
  noteReplaced('/x/log', { fromIno: 1, toIno: 2, keptFrom: 100 });
  noteReplaced('/x/log', { fromIno: 2, toIno: 3, keptFrom: 10 });
  assert.equal(continuedPosition('/x/log', 1, 2, 130), 30);
  assert.equal(continuedPosition('/x/log', 1, 3, 130), 20);
  assert.equal(continuedPosition('/x/log', 7, 3, 130), 0, 'a file that is no replacement is read from its start');
  // A live file that begins with 20 bytes moved from `.1`: read already, from whichever file the follower had.
  noteReplaced('/y/log', { fromIno: 4, toIno: 5, keptFrom: -20, fromOthersAt: 20 });
  assert.equal(continuedPosition('/y/log', 4, 5, 7), 27);
  assert.equal(continuedPosition('/y/log', 9, 5, 1000), 20);
});

test("at the exit, `.1`'s merged tail begins the live file, as dockerd's next file would", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-split-'));
  try {
    const log = join(dir, 'c-json.log');
    await writeFile(`${log}.1`, lines(0, 6)); // a full piece (4 lines) and 2 lines written while it rotated
    await writeFile(log, lines(6, 1));
    const r = await moveTailToLive(log, 35);
    assert.ok(r);
    assert.equal(r.keptFrom, -20, 'a follower of the live file skips the 2 lines put before it');
    const got = await files(dir);
    assert.deepEqual(Object.keys(got), ['c-json.log', 'c-json.log.1']);
    assert.equal(firstLast(got['c-json.log.1']), '4: line 0 .. line 3');
    assert.equal(firstLast(got['c-json.log']), '3: line 4 .. line 6');
    assert.equal(await moveTailToLive(log, 35), undefined, 'nothing more to move');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
