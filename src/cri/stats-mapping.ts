// The CRI's stats messages from one sample in Docker's stats shape (engine/containers/container-stats.ts, which
// reads the cgroup through the runtime driver: the same code path as `docker stats`). Pure. kubelet's rules:
// the working set is usage minus inactive file pages (v1 `total_inactive_file`, v2 `inactive_file`).
import type { ContainerStatsJson } from '../spec/docker/stats.js';
import { parseTimeNano } from '../lib/time.js';

export interface Uint64 {
  value: bigint;
}
const u64 = (n: number | undefined): Uint64 => ({ value: BigInt(Math.max(0, Math.round(n ?? 0))) });

export interface CpuAndMemory {
  cpu: { timestamp: bigint; usageCoreNanoSeconds: Uint64 };
  memory: {
    timestamp: bigint;
    workingSetBytes: Uint64;
    availableBytes: Uint64;
    usageBytes: Uint64;
    rssBytes: Uint64;
    pageFaults: Uint64;
    majorPageFaults: Uint64;
  };
}

/** A sample's time in nanoseconds; none (0n) for the empty record of a container that is not running. */
export const sampleTime = (s: ContainerStatsJson): bigint =>
  s.read && !s.read.startsWith('0001-') ? parseTimeNano(s.read) : 0n;

/** CPU and memory of a running container's sample; undefined when it has none (not running). */
export function cpuAndMemory(s: ContainerStatsJson): CpuAndMemory | undefined {
  const timestamp = sampleTime(s);
  if (timestamp === 0n) return undefined;
  const m = s.memory_stats;
  const st = m.stats ?? {};
  const usage = m.usage ?? 0;
  const inactiveFile = st.total_inactive_file ?? st.inactive_file ?? 0;
  const workingSet = Math.max(0, usage - inactiveFile);
  return {
    cpu: { timestamp, usageCoreNanoSeconds: u64(s.cpu_stats.cpu_usage.total_usage) },
    memory: {
      timestamp,
      workingSetBytes: u64(workingSet),
      availableBytes: u64((m.limit ?? 0) - workingSet),
      usageBytes: u64(usage),
      rssBytes: u64(st.total_rss ?? st.rss ?? st.anon),
      pageFaults: u64(st.total_pgfault ?? st.pgfault),
      majorPageFaults: u64(st.total_pgmajfault ?? st.pgmajfault),
    },
  };
}

/** A pod's CPU and memory: the sum over its containers' samples (its infra container's included). */
export function sumOf(samples: CpuAndMemory[]): CpuAndMemory | undefined {
  if (samples.length === 0) return undefined;
  const timestamp = samples.reduce((t, s) => (s.cpu.timestamp > t ? s.cpu.timestamp : t), 0n);
  const add = (pick: (s: CpuAndMemory) => Uint64): Uint64 => ({
    value: samples.reduce((total, s) => total + pick(s).value, 0n),
  });
  return {
    cpu: { timestamp, usageCoreNanoSeconds: add((s) => s.cpu.usageCoreNanoSeconds) },
    memory: {
      timestamp,
      workingSetBytes: add((s) => s.memory.workingSetBytes),
      availableBytes: add((s) => s.memory.availableBytes),
      usageBytes: add((s) => s.memory.usageBytes),
      rssBytes: add((s) => s.memory.rssBytes),
      pageFaults: add((s) => s.memory.pageFaults),
      majorPageFaults: add((s) => s.memory.majorPageFaults),
    },
  };
}

export interface InterfaceUsage {
  name: string;
  rxBytes: Uint64;
  rxErrors: Uint64;
  txBytes: Uint64;
  txErrors: Uint64;
}

/** The pod network's interfaces from its infra container's sample; eth0 (CNI's) is the default one. */
export function networkOf(
  s: ContainerStatsJson,
): { timestamp: bigint; defaultInterface?: InterfaceUsage; interfaces: InterfaceUsage[] } | undefined {
  const timestamp = sampleTime(s);
  if (timestamp === 0n || !s.networks) return undefined;
  const interfaces = Object.entries(s.networks).map(([name, n]) => ({
    name,
    rxBytes: u64(n.rx_bytes),
    rxErrors: u64(n.rx_errors),
    txBytes: u64(n.tx_bytes),
    txErrors: u64(n.tx_errors),
  }));
  const defaultInterface = interfaces.find((i) => i.name === 'eth0') ?? interfaces[0];
  return { timestamp, ...(defaultInterface ? { defaultInterface } : {}), interfaces };
}
