// The phase breakdown of a profiled run: berthd's debug lines `{"msg":"phases","operation":…,"phasesMs":…}`
// (src/lib/phases.ts), read from its log since a workload began and summarised as medians per operation.
import { open, stat } from 'node:fs/promises';
import { median } from './stats.js';

interface PhaseLine {
  operation: string;
  phasesMs: Record<string, number>;
  totalMs: number;
  failed?: boolean;
}

/** A reader that hands out the phase lines written since its last call. */
export class PhaseLog {
  private offset = 0;

  constructor(private readonly file: string) {}

  /** Skips what the log holds now (daemon start-up, image load). */
  async skipToEnd(): Promise<void> {
    this.offset = (await stat(this.file)).size;
  }

  async sinceLast(): Promise<PhaseLine[]> {
    const handle = await open(this.file, 'r');
    try {
      const size = (await handle.stat()).size;
      const buffer = Buffer.alloc(Math.max(0, size - this.offset));
      await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset = size;
      const lines: PhaseLine[] = [];
      for (const text of buffer.toString('utf8').split('\n')) {
        if (!text.includes('"msg":"phases"')) continue;
        try {
          const line = JSON.parse(text) as PhaseLine;
          if (!line.failed) lines.push(line);
        } catch {
          // a line cut by the read: it is not counted
        }
      }
      return lines;
    } finally {
      await handle.close();
    }
  }
}

/** "start (n=24): total 41.2; snapshot-mounts 0.9, network 0.1, …" — medians in ms, phases in the order seen. */
export function summarizePhases(lines: readonly PhaseLine[]): string[] {
  const byOperation = new Map<string, PhaseLine[]>();
  for (const line of lines) byOperation.set(line.operation, [...(byOperation.get(line.operation) ?? []), line]);
  const out: string[] = [];
  for (const [operation, group] of byOperation) {
    const names = [...new Set(group.flatMap((l) => Object.keys(l.phasesMs)))];
    const phases = names.map((name) => `${name} ${median(group.map((l) => l.phasesMs[name] ?? 0)).toFixed(1)}`);
    const total = median(group.map((l) => l.totalMs)).toFixed(1);
    out.push(`\`${operation}\` (n=${group.length}): total ${total}; ${phases.join(', ')}`);
  }
  return out;
}
