// A container's resource counters in Docker's stats shape, read from its cgroup's files (v1: one directory per
// hierarchy; v2: one unified directory; cgroup-tree.ts says where), the host's /proc/stat (system CPU time) and the
// container's network namespace (/proc/<pid>/net/dev, only when it has its own). Docker's rules: an unlimited memory limit is shown
// as the host's memory; v1 blkio falls back to the throttle counters when the CFQ/BFQ ones are empty.
import { readFile, readlink } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import type { BlkioEntry, BlkioStats, CpuStats, MemoryStats, NetworkStats } from '../../spec/docker/stats.js';
import { emptyBlkioStats } from '../../core/runtime/empty-stats.js';

const USER_HZ = 100;
const NS_PER_TICK = 1e9 / USER_HZ;
/** v1 reports "no limit" as a page-aligned huge number. */
const UNLIMITED_V1 = 2 ** 62;

export interface CgroupSample {
  cpu: CpuStats;
  memory: MemoryStats;
  pids: { current?: number; limit?: number };
  blkio: BlkioStats;
  networks: Record<string, NetworkStats> | undefined;
}

const text = (path: string): Promise<string> => readFile(path, 'utf8').catch(() => '');
const num = async (path: string): Promise<number | undefined> => {
  const t = (await text(path)).trim();
  return t === '' || t === 'max' ? undefined : Number(t);
};
const keyValues = (t: string): Record<string, number> =>
  Object.fromEntries(
    t
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(/\s+/))
      .map(([k, v]) => [k ?? '', Number(v)]),
  );

/** The host's CPU time in nanoseconds, as Docker computes system_cpu_usage from /proc/stat. */
export async function systemCpuUsage(): Promise<number> {
  const line = (await text('/proc/stat')).split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return 0;
  const fields = line.trim().split(/\s+/).slice(1, 8).map(Number);
  return fields.reduce((a, b) => a + b, 0) * NS_PER_TICK;
}

/** `8:0 Read 4096` lines (v1 blkio files). */
export function parseBlkioV1(t: string): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of t.split('\n')) {
    const m = /^(\d+):(\d+) (\w+) (\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3] ?? '', value: Number(m[4]) });
  }
  return out;
}

/** /proc/<pid>/net/dev without the loopback. */
export function parseNetDev(t: string): Record<string, NetworkStats> {
  const out: Record<string, NetworkStats> = {};
  for (const line of t.split('\n').slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = (m[2] ?? '').trim().split(/\s+/).map(Number);
    out[m[1] ?? ''] = {
      rx_bytes: f[0] ?? 0,
      rx_packets: f[1] ?? 0,
      rx_errors: f[2] ?? 0,
      rx_dropped: f[3] ?? 0,
      tx_bytes: f[8] ?? 0,
      tx_packets: f[9] ?? 0,
      tx_errors: f[10] ?? 0,
      tx_dropped: f[11] ?? 0,
    };
  }
  return out;
}

export async function networks(pid: number): Promise<Record<string, NetworkStats> | undefined> {
  if (pid <= 0) return undefined;
  const [own, host] = await Promise.all([
    readlink(`/proc/${pid}/ns/net`).catch(() => ''),
    readlink('/proc/1/ns/net').catch(() => ''),
  ]);
  if (own === '' || own === host) return undefined; // host network: Docker reports none
  const devs = parseNetDev(await text(`/proc/${pid}/net/dev`));
  return Object.keys(devs).length > 0 ? devs : undefined;
}

/** v1: `dirOf(controller)` is the cgroup's directory in that controller's hierarchy. */
export async function sampleV1(dirOf: (controller: string) => string): Promise<Omit<CgroupSample, 'networks'>> {
  const acct = dirOf('cpuacct');
  const cpuDir = dirOf('cpu');
  const mem = dirOf('memory');
  const blk = dirOf('blkio');
  const [total, percpuText, acctStat, throttle, usage, maxUsage, limit, failcnt, memStat, pidsCurrent, pidsMax] =
    await Promise.all([
      num(join(acct, 'cpuacct.usage')),
      text(join(acct, 'cpuacct.usage_percpu')),
      text(join(acct, 'cpuacct.stat')),
      text(join(cpuDir, 'cpu.stat')),
      num(join(mem, 'memory.usage_in_bytes')),
      num(join(mem, 'memory.max_usage_in_bytes')),
      num(join(mem, 'memory.limit_in_bytes')),
      num(join(mem, 'memory.failcnt')),
      text(join(mem, 'memory.stat')),
      num(join(dirOf('pids'), 'pids.current')),
      num(join(dirOf('pids'), 'pids.max')),
    ]);
  const ticks = keyValues(acctStat);
  const thr = keyValues(throttle);
  const percpu = percpuText.trim().split(/\s+/).filter(Boolean).map(Number);
  let bytes = parseBlkioV1(await text(join(blk, 'blkio.io_service_bytes_recursive')));
  let serviced = parseBlkioV1(await text(join(blk, 'blkio.io_serviced_recursive')));
  if (bytes.length === 0) bytes = parseBlkioV1(await text(join(blk, 'blkio.throttle.io_service_bytes_recursive')));
  if (serviced.length === 0) serviced = parseBlkioV1(await text(join(blk, 'blkio.throttle.io_serviced_recursive')));
  return {
    cpu: {
      cpu_usage: {
        total_usage: total ?? 0,
        percpu_usage: percpu,
        usage_in_kernelmode: (ticks.system ?? 0) * NS_PER_TICK,
        usage_in_usermode: (ticks.user ?? 0) * NS_PER_TICK,
      },
      throttling_data: {
        periods: thr.nr_periods ?? 0,
        throttled_periods: thr.nr_throttled ?? 0,
        throttled_time: thr.throttled_time ?? 0,
      },
    },
    memory: {
      usage: usage ?? 0,
      max_usage: maxUsage ?? 0,
      stats: keyValues(memStat),
      failcnt: failcnt ?? 0,
      limit: limit === undefined || limit >= UNLIMITED_V1 ? totalmem() : Math.min(limit, totalmem()),
    },
    pids: { current: pidsCurrent ?? 0, ...(pidsMax !== undefined ? { limit: pidsMax } : {}) },
    blkio: { ...emptyBlkioStats(), io_service_bytes_recursive: bytes, io_serviced_recursive: serviced },
  };
}

/** v2 io.stat (`8:0 rbytes=1 wbytes=2 rios=3 wios=4 ...`) as Docker maps it to v1-style entries. */
export function parseIoStatV2(t: string): { bytes: BlkioEntry[]; ios: BlkioEntry[] } {
  const bytes: BlkioEntry[] = [];
  const ios: BlkioEntry[] = [];
  for (const line of t.split('\n').filter(Boolean)) {
    const [dev = '', ...pairs] = line.split(/\s+/);
    const [major, minor] = dev.split(':').map(Number);
    const kv = Object.fromEntries(pairs.map((p) => p.split('=')).map(([k, v]) => [k ?? '', Number(v)]));
    bytes.push(
      { major: major ?? 0, minor: minor ?? 0, op: 'read', value: kv.rbytes ?? 0 },
      { major: major ?? 0, minor: minor ?? 0, op: 'write', value: kv.wbytes ?? 0 },
    );
    ios.push(
      { major: major ?? 0, minor: minor ?? 0, op: 'read', value: kv.rios ?? 0 },
      { major: major ?? 0, minor: minor ?? 0, op: 'write', value: kv.wios ?? 0 },
    );
  }
  return { bytes, ios };
}

/** v2: `dir` is the cgroup's one directory. */
export async function sampleV2(dir: string): Promise<Omit<CgroupSample, 'networks'>> {
  const [cpuStat, current, max, memStat, pidsCurrent, pidsMax, ioStat] = await Promise.all([
    text(join(dir, 'cpu.stat')),
    num(join(dir, 'memory.current')),
    num(join(dir, 'memory.max')),
    text(join(dir, 'memory.stat')),
    num(join(dir, 'pids.current')),
    num(join(dir, 'pids.max')),
    text(join(dir, 'io.stat')),
  ]);
  const c = keyValues(cpuStat);
  const io = parseIoStatV2(ioStat);
  return {
    cpu: {
      cpu_usage: {
        total_usage: (c.usage_usec ?? 0) * 1000,
        usage_in_kernelmode: (c.system_usec ?? 0) * 1000,
        usage_in_usermode: (c.user_usec ?? 0) * 1000,
      },
      throttling_data: {
        periods: c.nr_periods ?? 0,
        throttled_periods: c.nr_throttled ?? 0,
        throttled_time: (c.throttled_usec ?? 0) * 1000,
      },
    },
    memory: {
      usage: current ?? 0,
      stats: keyValues(memStat),
      limit: max === undefined ? totalmem() : Math.min(max, totalmem()),
    },
    pids: { current: pidsCurrent ?? 0, ...(pidsMax !== undefined ? { limit: pidsMax } : {}) },
    blkio: { ...emptyBlkioStats(), io_service_bytes_recursive: io.bytes, io_serviced_recursive: io.ios },
  };
}
