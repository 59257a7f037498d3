import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startThroughExecFifo } from './exec-fifo-start.js';

const run = promisify(execFile);

/** A runc root holding `id`'s exec fifo. */
async function withFifo(fn: (root: string, fifo: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'berth-fifo-'));
  try {
    await mkdir(join(root, 'c1'));
    await run('mkfifo', [join(root, 'c1', 'exec.fifo')]);
    await fn(root, join(root, 'c1', 'exec.fifo'));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('the exec fifo start reads init\'s byte up to its exec and removes the fifo; none means "no-fifo"', () =>
  withFifo(async (root, fifo) => {
    // A stand-in for runc init: blocks opening the fifo for writing, writes "0", then execs.
    const init = spawn('sh', ['-c', 'printf 0 > "$0"; exec sleep 5', fifo], { stdio: 'ignore' });
    try {
      assert.equal(await startThroughExecFifo(root, 'c1', init.pid!), 'started');
      assert.equal(existsSync(fifo), false);
      assert.equal(await startThroughExecFifo(root, 'c1', init.pid!), 'no-fifo');
    } finally {
      init.kill('SIGKILL');
    }
  }));

test('the exec fifo start fails as runc does when init died before writing', () =>
  withFifo(async (root, fifo) => {
    const init = spawn('true', { stdio: 'ignore' });
    await once(init, 'exit');
    await assert.rejects(startThroughExecFifo(root, 'c1', init.pid!), /container process is already dead/);
    assert.equal(existsSync(fifo), true);
  }));
