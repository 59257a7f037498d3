import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signalInit } from './init-signal.js';
import { openPidfd } from '../../lib/pidfd.js';

const SIGTERM = 15;

/** The start time (clock ticks since boot) of a live process, as runc records it. */
async function startTicks(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8');
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[19]);
}

test('runc kill in the daemon: the init is signalled only when it is the very process runc started and not frozen', async (t) => {
  const probe = openPidfd(process.pid);
  if (!probe) return t.skip('no pidfd here');
  probe.close();
  const dir = await mkdtemp(join(tmpdir(), 'berth-init-signal-'));
  const init = spawn('sleep', ['60'], { stdio: 'ignore' });
  try {
    const freezer = join(dir, 'freezer');
    await mkdir(join(dir, 'runc', 'c'), { recursive: true });
    await mkdir(freezer);
    const state = (patch: Record<string, unknown>): Promise<void> =>
      writeFile(
        join(dir, 'runc', 'c', 'state.json'),
        JSON.stringify({ init_process_pid: init.pid, cgroup_paths: { freezer }, ...patch }),
      );
    const start = await startTicks(init.pid!);
    const root = join(dir, 'runc');
    // Another start time: the pid names another process than runc's init. Frozen, or a freezer that cannot be read:
    // runc decides (it thaws for SIGKILL). No state: runc's words.
    await writeFile(join(freezer, 'freezer.state'), 'THAWED\n');
    await state({ init_process_start: start + 1 });
    assert.equal(await signalInit(root, 'c', SIGTERM), 'needs-runc');
    await writeFile(join(freezer, 'freezer.state'), 'FROZEN\n');
    await state({ init_process_start: start });
    assert.equal(await signalInit(root, 'c', SIGTERM), 'needs-runc');
    await rm(join(freezer, 'freezer.state'));
    assert.equal(await signalInit(root, 'c', SIGTERM), 'needs-runc');
    assert.equal(await signalInit(root, 'other', SIGTERM), 'needs-runc');
    assert.equal(init.exitCode, null);
    assert.equal(init.signalCode, null);
    await writeFile(join(freezer, 'freezer.state'), 'THAWED\n');
    const ended = once(init, 'exit');
    assert.equal(await signalInit(root, 'c', SIGTERM), 'signalled');
    const [, signal] = await ended;
    assert.equal(signal, 'SIGTERM');
  } finally {
    init.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
