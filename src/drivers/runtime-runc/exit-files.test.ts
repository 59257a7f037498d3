import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitFiles } from './exit-files.js';

async function withExits(fn: (exits: ExitFiles) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-exits-'));
  const exits = new ExitFiles(join(dir, 'exits'));
  await exits.init();
  try {
    await fn(exits);
  } finally {
    exits.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test('a waiter wakes when conmon writes the exit file; a late waiter reads it at once', () =>
  withExits(async (exits) => {
    const waiting = exits.wait('c1', async () => false);
    assert.equal(exits.watched('c1'), true);
    await writeFile(join(exits.dir, 'c1'), '137');
    assert.equal((await waiting).exitCode, 137);
    assert.equal((await exits.wait('c1', async () => false)).exitCode, 137);
    await exits.remove('c1');
    assert.equal(await exits.read('c1'), undefined);
  }));

test('a monitor gone without an exit file gives 255; an aborted wait rejects and stops watching', () =>
  withExits(async (exits) => {
    assert.equal((await exits.wait('c2', async () => true)).exitCode, 255);
    const stop = new AbortController();
    const waiting = exits.wait('c3', async () => false, { signal: stop.signal });
    stop.abort();
    await assert.rejects(waiting, { name: 'AbortError' });
    assert.equal(exits.watched('c3'), false);
  }));

test('the poll asks a waiter probe instead of waking it, wakes it when its monitor is gone, and wakes all every 30 s', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  await withExits(async (exits) => {
    let alive = true;
    let checks = 0;
    const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));
    const waiting = exits.wait(
      'c4',
      async () => {
        checks++;
        return !alive;
      },
      { monitorAlive: () => alive },
    );
    await settle();
    assert.equal(checks, 1, 'checked once on entry');
    t.mock.timers.tick(2000);
    await settle();
    assert.equal(checks, 1, 'a live monitor is not woken by the poll');
    t.mock.timers.tick(28_000);
    await settle();
    assert.equal(checks, 2, 'every 30 s every waiter is woken');
    alive = false;
    t.mock.timers.tick(2000);
    assert.equal((await waiting).exitCode, 255);
    assert.equal(checks, 3);
  });
});

test('two waiters: the one that finds the exit file first leaves the other one waiting to be woken', () =>
  withExits(async (exits) => {
    // The exit watch reads before the file is there; a stop's wait starts after conmon wrote it and finds it at once,
    // before the file's inotify event is delivered: the watch must still be woken by that event.
    let watchRead: () => void = () => undefined;
    const readDone = new Promise<void>((resolve) => (watchRead = resolve));
    const watch = exits.wait('c4', async () => {
      watchRead();
      return false;
    });
    await readDone;
    writeFileSync(join(exits.dir, 'c4'), '0');
    assert.equal((await exits.wait('c4', async () => false)).exitCode, 0);
    assert.equal(exits.watched('c4'), true, 'the exit watch is still waiting for its wake-up');
    assert.equal((await watch).exitCode, 0);
    assert.equal(exits.watched('c4'), false);
  }));
