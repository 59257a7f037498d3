// Both cgroup versions, from fixture trees shaped as the kernel lays them out (this machine has only one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { CgroupTree } from './cgroup-tree.js';

const PATH = '/berth/0123abcd';

function tree(files: Record<string, string>): { root: string; done(): void } {
  const root = mkdtempSync(join(tmpdir(), 'berth-cgroup-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return { root, done: () => rmSync(root, { recursive: true, force: true }) };
}

const v1Files = (p: string): Record<string, string> => ({
  [`cpuacct${p}/cpuacct.usage`]: '5000000\n',
  [`cpuacct${p}/cpuacct.usage_percpu`]: '3000000 2000000 \n',
  [`cpuacct${p}/cpuacct.stat`]: 'user 30\nsystem 20\n',
  [`cpu${p}/cpu.stat`]: 'nr_periods 7\nnr_throttled 2\nthrottled_time 900\n',
  [`memory${p}/memory.usage_in_bytes`]: '1048576\n',
  [`memory${p}/memory.max_usage_in_bytes`]: '2097152\n',
  [`memory${p}/memory.limit_in_bytes`]: '67108864\n',
  [`memory${p}/memory.failcnt`]: '3\n',
  [`memory${p}/memory.stat`]: 'cache 4096\nrss 8192\n',
  [`memory${p}/memory.oom_control`]: 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n',
  [`pids${p}/pids.current`]: '2\n',
  [`pids${p}/pids.max`]: '40\n',
  [`pids${p}/cgroup.procs`]: '101\n102\n',
  [`blkio${p}/blkio.io_service_bytes_recursive`]: '',
  [`blkio${p}/blkio.throttle.io_service_bytes_recursive`]: '8:0 Read 4096\n8:0 Write 512\nTotal 4608\n',
  [`blkio${p}/blkio.throttle.io_serviced_recursive`]: '8:0 Read 1\n8:0 Write 1\n',
  [`freezer${p}/freezer.state`]: 'FROZEN\n',
});

const v2Files = (p: string): Record<string, string> => ({
  [`${p.slice(1)}/cpu.stat`]:
    'usage_usec 5000\nuser_usec 3000\nsystem_usec 2000\nnr_periods 7\nnr_throttled 2\nthrottled_usec 9\n',
  [`${p.slice(1)}/memory.current`]: '1048576\n',
  [`${p.slice(1)}/memory.max`]: 'max\n',
  [`${p.slice(1)}/memory.stat`]: 'anon 8192\nfile 4096\n',
  [`${p.slice(1)}/memory.events`]: 'low 0\nhigh 0\nmax 4\noom 1\noom_kill 2\n',
  [`${p.slice(1)}/pids.current`]: '2\n',
  [`${p.slice(1)}/pids.max`]: 'max\n',
  [`${p.slice(1)}/cgroup.procs`]: '201\n',
  [`${p.slice(1)}/io.stat`]: '8:0 rbytes=4096 wbytes=512 rios=1 wios=1 dbytes=0 dios=0\n',
  [`${p.slice(1)}/cgroup.freeze`]: '0\n',
});

test('cgroup v1: stats from each hierarchy, pids, freezer, OOM kills, removal of every hierarchy', async () => {
  const t = tree(v1Files(PATH));
  try {
    const cg = new CgroupTree('1', t.root);
    const s = await cg.sample(PATH, 0);
    assert.equal(s.cpu.cpu_usage.total_usage, 5000000);
    assert.deepEqual(s.cpu.cpu_usage.percpu_usage, [3000000, 2000000]);
    assert.equal(s.cpu.cpu_usage.usage_in_usermode, 30 * 1e7);
    assert.deepEqual(s.cpu.throttling_data, { periods: 7, throttled_periods: 2, throttled_time: 900 });
    assert.equal(s.memory.usage, 1048576);
    assert.equal(s.memory.limit, 67108864);
    assert.equal(s.memory.failcnt, 3);
    assert.deepEqual(s.pids, { current: 2, limit: 40 });
    // The CFQ counters are empty: Docker falls back to the throttle ones.
    assert.deepEqual(s.blkio.io_service_bytes_recursive, [
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 0, op: 'Write', value: 512 },
    ]);
    assert.equal(s.networks, undefined);
    assert.deepEqual(await cg.pids(PATH), [101, 102]);
    assert.equal(await cg.freezerState(PATH), 'FROZEN');
    assert.equal(await cg.oomKills(PATH), 1);
    assert.equal((await cg.dirs(PATH)).length, 6);
    // The kernel lets rmdir take a cgroup with no task left despite its control files; a fixture must be emptied.
    for (const dir of await cg.dirs(PATH)) {
      rmSync(dir, { recursive: true });
      mkdirSync(dir);
    }
    await cg.remove(PATH);
    for (const c of ['memory', 'pids', 'cpu', 'freezer']) assert.equal(existsSync(join(t.root, c, PATH)), false, c);
  } finally {
    t.done();
  }
});

test('cgroup v2: stats from the one directory, in v1 units as Docker reports them', async () => {
  const t = tree(v2Files(PATH));
  try {
    const cg = new CgroupTree('2', t.root);
    const s = await cg.sample(PATH, 0);
    assert.equal(s.cpu.cpu_usage.total_usage, 5000 * 1000);
    assert.equal(s.cpu.cpu_usage.usage_in_kernelmode, 2000 * 1000);
    assert.deepEqual(s.cpu.throttling_data, { periods: 7, throttled_periods: 2, throttled_time: 9000 });
    assert.equal(s.memory.usage, 1048576);
    // "max" is no limit: Docker shows the host's memory.
    assert.equal(s.memory.limit, totalmem());
    assert.deepEqual(s.pids, { current: 2 });
    assert.deepEqual(s.blkio.io_service_bytes_recursive, [
      { major: 8, minor: 0, op: 'read', value: 4096 },
      { major: 8, minor: 0, op: 'write', value: 512 },
    ]);
    assert.deepEqual(await cg.pids(PATH), [201]);
    assert.equal(await cg.freezerState(PATH), 'THAWED');
    writeFileSync(join(t.root, PATH, 'cgroup.freeze'), '1\n');
    assert.equal(await cg.freezerState(PATH), 'FROZEN');
    assert.equal(await cg.oomKills(PATH), 2);
    assert.deepEqual(await cg.dirs(PATH), [join(t.root, PATH)]);
  } finally {
    t.done();
  }
});

test('a cgroup path that climbs out of the tree is never removed', async () => {
  const t = tree({ 'victim/keep': 'x' });
  try {
    mkdirSync(join(t.root, 'memory', 'empty'), { recursive: true });
    const cg = new CgroupTree('2', join(t.root, 'memory'));
    await cg.remove('/../victim');
    await cg.remove('relative');
    assert.ok(existsSync(join(t.root, 'victim/keep')));
  } finally {
    t.done();
  }
});
