import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteStoppedContainer } from './stopped-delete.js';

const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

/** The start time (clock ticks since boot) of a live process, as runc records it. */
async function startTicks(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8');
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[19]);
}

/** A runc root holding container `c` (state.json as runc 1.1 writes it) and its cgroups as plain directories. */
async function withState(
  fn: (root: string, cgroups: string[], write: (patch: Record<string, unknown>) => Promise<void>) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-stopped-delete-'));
  const cgroups = [join(dir, 'cg', 'memory', 'c'), join(dir, 'cg', 'pids', 'c')];
  for (const cg of cgroups) await mkdir(join(cg, 'sub'), { recursive: true });
  await mkdir(join(dir, 'runc', 'c'), { recursive: true });
  // A process that has ended: a shell that exited (reaped), so its pid names nothing or another process.
  const ended = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
  const base = {
    init_process_pid: Number(ended.stdout.trim()),
    init_process_start: 1,
    cgroup_paths: { memory: cgroups[0], pids: cgroups[1] },
    intel_rdt_path: '',
    config: {
      namespaces: [
        { type: 'NEWNS', path: '' },
        { type: 'NEWPID', path: '' },
      ],
      cgroups: { Systemd: false },
      Hooks: null,
    },
  };
  const write = (patch: Record<string, unknown>): Promise<void> =>
    writeFile(join(dir, 'runc', 'c', 'state.json'), JSON.stringify({ ...base, ...patch }));
  await write({});
  try {
    await fn(join(dir, 'runc'), cgroups, write);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a stopped container with its own pid namespace: cgroups (and those below) and the state dir go', () =>
  withState(async (root, cgroups) => {
    assert.equal(await deleteStoppedContainer(root, 'c'), 'deleted');
    for (const cg of cgroups) assert.equal(await exists(cg), false);
    assert.equal(await exists(join(root, 'c')), false);
    // Nothing of runc's left: deleted again without complaint.
    assert.equal(await deleteStoppedContainer(root, 'c'), 'deleted');
  }));

test('runc does the delete when it would do more: a shared pid namespace, hooks, systemd, init still running', () =>
  withState(async (root, cgroups, write) => {
    const cases: Record<string, unknown>[] = [
      { config: { namespaces: [{ type: 'NEWNS', path: '' }] } },
      { config: { namespaces: [{ type: 'NEWPID', path: '/proc/1/ns/pid' }] } },
      { config: { namespaces: [{ type: 'NEWPID', path: '' }], Hooks: { poststop: [{ path: '/bin/true' }] } } },
      { config: { namespaces: [{ type: 'NEWPID', path: '' }], cgroups: { Systemd: true } } },
      { init_process_pid: process.pid, init_process_start: await startTicks(process.pid) },
      { init_process_pid: undefined },
    ];
    for (const patch of cases) {
      await write(patch);
      assert.equal(await deleteStoppedContainer(root, 'c'), 'needs-runc', JSON.stringify(patch));
      assert.equal(await exists(join(root, 'c', 'state.json')), true);
      for (const cg of cgroups) assert.equal(await exists(cg), true);
    }
    // The same pid with another start time is a recycled pid: the container's init has ended.
    await write({ init_process_pid: process.pid, init_process_start: 1 });
    assert.equal(await deleteStoppedContainer(root, 'c'), 'deleted');
  }));

test('a cgroup that cannot be removed leaves the delete to runc', () =>
  withState(async (root, cgroups) => {
    // A regular file where rmdir cannot go (a cgroup with a process left in it answers EBUSY the same way).
    await writeFile(join(cgroups[0]!, 'file'), '');
    assert.equal(await deleteStoppedContainer(root, 'c'), 'needs-runc');
    assert.equal(await exists(join(root, 'c', 'state.json')), true);
  }));
