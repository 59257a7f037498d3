// ProcessTable on the host's ps, as Docker does: `ps <args> -q <pids>` (falling back to `ps <args>` for
// options that cannot go with -q), the PID column found in the header, rows kept for the container's pids,
// the last column (the command) kept whole with its spaces.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { internal, invalidArgument } from '../../core/errdefs.js';
import type { ProcessList, ProcessTable } from '../../core/runtime/process-table.js';

const run = promisify(execFile);

export function parsePsOutput(output: string, pids: number[]): ProcessList {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const Titles = (lines[0] ?? '').trim().split(/\s+/);
  const pidIndex = Titles.indexOf('PID');
  if (pidIndex < 0) throw invalidArgument(`Couldn't find PID field in ps output`);
  const wanted = new Set(pids);
  const Processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    const row = [...fields.slice(0, Titles.length - 1), fields.slice(Titles.length - 1).join(' ')];
    const pid = Number(row[pidIndex]);
    if (wanted.has(pid)) Processes.push(row);
  }
  return { Titles, Processes };
}

export class HostProcessTable implements ProcessTable {
  constructor(private readonly psPath = 'ps') {}

  async list(psArgs: string, pids: number[], options: { signal?: AbortSignal } = {}): Promise<ProcessList> {
    const args = psArgs.split(' ').filter(Boolean);
    const opts = { maxBuffer: 16 * 1024 * 1024, signal: options.signal, env: { ...process.env, LC_ALL: 'C' } };
    let output: string;
    try {
      output = (await run(this.psPath, [...args, '-q', pids.join(',')], opts)).stdout;
    } catch {
      try {
        output = (await run(this.psPath, args, opts)).stdout;
      } catch (err) {
        const first = String((err as { stderr?: string }).stderr ?? '').split('\n')[0];
        if (first) throw internal(`ps: ${first}`, err);
        throw internal(`ps: ${(err as Error).message}`, err);
      }
    }
    return parsePsOutput(output, pids);
  }
}
