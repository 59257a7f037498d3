// The shape of a workload and of the rows it reports.
import type { Engine } from '../engines/engine.js';
import type { Images } from '../lib/images.js';
import type { RuncFloor } from '../lib/runc-floor.js';
import type { Outcome } from '../lib/runner.js';

export interface Row {
  /** Stable key (bench/why.json explains misses by it). */
  id: string;
  /** What was measured, e.g. "docker run --rm busybox true". */
  metric: string;
  unit: 'ms' | 'MiB';
  berth: Outcome;
  docker: Outcome;
  /** Largest acceptable ratio berth/Docker (lower is better); none: reported only. */
  target?: number;
  /** The same work done by runc alone: `label` says what ran; without a target the row is only reported. */
  floor?: Floor;
  /** Other floors reported beside `floor`, without a target (runc on the engine's own spec beside runc spec's). */
  moreFloors?: Floor[];
  /** Extra figures derived from the samples (throughput, per-process shares). */
  note?: string;
}

/** runc alone doing the row's work, and the largest acceptable ratio berth/runc (none: reported only). */
export interface Floor {
  outcome: Outcome;
  target?: number;
  label?: string;
}

export interface RunCounts {
  warmup: number;
  n: number;
}

export interface WorkloadContext {
  engines: { berth: Engine; docker: Engine };
  images: Images;
  repoRoot: string;
  /** Scratch space of this run (removed at the end). */
  scratch: string;
  floor: RuncFloor | undefined;
  /** Counts for quick workloads (one CLI call a sample) and heavy ones (many containers, 100 MB). */
  quick: RunCounts;
  heavy: RunCounts;
  signal: AbortSignal;
  log(message: string): void;
}

export interface Workload {
  id: string;
  title: string;
  /** Caveats the report prints under the workload. */
  notes: string[];
  run(context: WorkloadContext): Promise<Row[]>;
}

/** A side that could not run at all (setup failed). */
export const failed = (error: unknown): Outcome => ({
  kind: 'failed',
  error: error instanceof Error ? error.message : String(error),
});
