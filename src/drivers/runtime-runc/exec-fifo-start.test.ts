import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, constants, existsSync, openSync, readdirSync, readlinkSync, writeSync } from 'node:fs';
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

test('init that wrote its byte and ended before the event loop read the fifo was started, not dead', () =>
  withFifo(async (root, fifo) => {
    // init's byte is in the fifo (written through a descriptor of the test's own) and init is gone.
    const init = spawn('true', { stdio: 'ignore' });
    await once(init, 'exit');
    const writer = openSync(fifo, constants.O_RDWR);
    try {
      writeSync(writer, '0');
      const started = startThroughExecFifo(root, 'c1', init.pid!);
      // Once the start has the fifo open, hold the event loop past the start's first death check, in each of the
      // next few turns (the open is seen in /proc before its callback runs): that check then runs (timers phase)
      // before the loop ever reads the fifo, as on a loaded machine.
      await new Promise<void>((resolve) => {
        const opened = (): boolean =>
          readdirSync('/proc/self/fd').filter((fd) => readlinkOrEmpty(`/proc/self/fd/${fd}`) === fifo).length > 1;
        let holds = 0;
        const check = (): void => {
          if (holds === 0 && !opened()) return void setImmediate(check);
          const until = Date.now() + 150;
          while (Date.now() < until);
          if (++holds < 3) return void setImmediate(check);
          resolve();
        };
        setImmediate(check);
      });
      assert.equal(await started, 'started');
    } finally {
      closeSync(writer);
    }
  }));

function readlinkOrEmpty(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}
