// docker stats' numbers from one stats record (the shape in src/spec/docker/stats.ts, via the client's types).
import type { ContainerStats } from '../../src/client/engine-types.js';

export function cpuPercent(s: ContainerStats): number {
  const cpu = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
  const system = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  if (cpu <= 0 || system <= 0) return 0;
  return (cpu / system) * (s.cpu_stats.online_cpus ?? 1) * 100;
}

/** As docker stats: usage minus the inactive file cache. */
export function memoryUsed(s: ContainerStats): number {
  const usage = s.memory_stats.usage ?? 0;
  const cache = s.memory_stats.stats?.inactive_file ?? s.memory_stats.stats?.total_inactive_file ?? 0;
  return Math.max(0, usage - cache);
}
