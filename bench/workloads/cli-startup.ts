// 7. berth's CLI against the docker CLI, on the same daemon: what a Node CLI costs to start.
import { join } from 'node:path';
import { alternate, repeat } from '../lib/runner.js';
import { summarize } from '../lib/stats.js';
import { exec, describeFailure } from '../lib/exec.js';
import type { Engine } from '../engines/engine.js';
import type { Row, Workload } from './workload.js';

type Check = (stdout: string) => boolean;

async function timed(command: string, args: string[], engine: Engine, check: Check): Promise<number> {
  const result = await exec(command, args, { env: engine.env });
  if (result.code !== 0 || !check(result.stdout))
    throw new Error(describeFailure(`${command} ${args.join(' ')}`, result));
  return result.ms;
}

const COMMANDS: Array<{ args: string[]; check: Check }> = [
  { args: ['version'], check: (out) => out.includes('Server:') },
  { args: ['images'], check: (out) => out.startsWith('REPOSITORY') && out.includes('busybox') },
];

export const cliStartup: Workload = {
  id: 'cli-startup',
  title: '7. berth CLI against docker CLI',
  notes: ['Here "berth" is the `berth` CLI (node) and "docker" the docker CLI (Go), both talking to the same daemon.'],
  async run({ engines, repoRoot, quick, signal }) {
    const berthBin = join(repoRoot, 'bin/berth');
    const rows: Row[] = [];
    const bare = await repeat(async () => (await exec(process.execPath, ['-e', '0'])).ms, { ...quick, signal });
    const floorNote =
      bare.kind === 'measured'
        ? `\`node -e 0\` alone (the floor of any Node CLI): ${summarize(bare.samples).median.toFixed(0)} ms median`
        : '';
    for (const daemon of [engines.berth, engines.docker]) {
      for (const { args, check } of COMMANDS) {
        const sides = await alternate(
          {
            berth: () => timed(process.execPath, [berthBin, ...args], daemon, check),
            docker: () => timed('docker', args, daemon, check),
          },
          { ...quick, signal },
        );
        const where = daemon.name === 'berth' ? 'berthd' : 'dockerd';
        rows.push({
          id: `cli-${args.join('-')}-on-${where}`,
          metric: `\`berth ${args.join(' ')}\` vs \`docker ${args.join(' ')}\` on ${where}`,
          unit: 'ms',
          ...sides,
          target: 1,
          note: floorNote,
        });
      }
    }
    return rows;
  },
};
