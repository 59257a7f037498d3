// Run settings from the environment: sample counts and the workloads to run.
import type { RunCounts } from '../workloads/workload.js';

export interface Settings {
  quick: RunCounts;
  heavy: RunCounts;
  /** Workload ids to run; empty: all. */
  only: string[];
  /** BENCH_PROFILE=1: berthd logs phase timings (summarised per workload) and writes a CPU profile. */
  profile: boolean;
}

function count(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
  return value;
}

export function readSettings(): Settings {
  return {
    quick: { warmup: count('BENCH_WARMUP', 2), n: Math.max(1, count('BENCH_N', 10)) },
    heavy: { warmup: 0, n: Math.max(1, count('BENCH_HEAVY_N', 2)) },
    only: (process.env.BENCH_ONLY ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    profile: process.env.BENCH_PROFILE === '1',
  };
}
