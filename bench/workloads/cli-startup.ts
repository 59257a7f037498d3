// 7. berth's CLI against the docker CLI, on the same daemon: what a Node CLI costs to start. Node's own floor
// (`node -e 0`, no berth code at all) is measured against `docker version` in a row of its own, beside them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { alternate, repeat } from '../lib/runner.js';
import { summarize } from '../lib/stats.js';
import { exec, describeFailure } from '../lib/exec.js';
import type { Engine } from '../engines/engine.js';
import type { Row, Workload, WorkloadContext } from './workload.js';

type Check = (stdout: string) => boolean;

async function timed(command: string, args: string[], env: NodeJS.ProcessEnv, check: Check): Promise<number> {
  const result = await exec(command, args, { env });
  if (result.code !== 0 || !check(result.stdout))
    throw new Error(describeFailure(`${command} ${args.join(' ')}`, result));
  return result.ms;
}

const COMMANDS: Array<{ args: string[]; check: Check }> = [
  { args: ['version'], check: (out) => out.includes('Server:') },
  { args: ['ps'], check: (out) => out.startsWith('CONTAINER ID') },
  { args: ['images'], check: (out) => out.startsWith('REPOSITORY') && out.includes('busybox') },
];

/** The target for a Node CLI against the Go one (#18). */
const TARGET = 2.5;

/**
 * Node started the way bin/berth starts it: its first line (`#!/usr/bin/env -S ...`, which leaves
 * NODE_EXTRA_CA_CERTS out: the CLI makes no TLS connection) run by the same interpreter with the same single
 * argument the kernel would pass it, then `-e 0` in place of the script.
 */
async function nodeAsBerthStartsIt(berthBin: string): Promise<{ command: string; args: string[] }> {
  const first = (await readFile(berthBin, 'utf8')).split('\n', 1)[0] ?? '';
  const match = /^#!\s*(\S+)(?:\s+(.*))?$/.exec(first);
  if (!match) throw new Error(`${berthBin} does not start with a #! line`);
  const [, interpreter, argument] = match;
  return { command: interpreter!, args: [...(argument ? [argument.trim()] : []), '-e', '0'] };
}

/** Node 20 reads NODE_EXTRA_CA_CERTS at start-up, before any script runs: what that costs when the caller sets it. */
async function caCertsNote({ quick, signal }: WorkloadContext): Promise<string> {
  if (!process.env.NODE_EXTRA_CA_CERTS) return '';
  const withCerts = await repeat(async () => (await exec(process.execPath, ['-e', '0'])).ms, { ...quick, signal });
  if (withCerts.kind !== 'measured') return '';
  return `; plain \`node -e 0\` with this environment's NODE_EXTRA_CA_CERTS (Node 20 loads that file at every start; bin/berth leaves it out) ${summarize(withCerts.samples).median.toFixed(0)} ms`;
}

export const cliStartup: Workload = {
  id: 'cli-startup',
  title: '7. berth CLI against docker CLI',
  notes: [
    'Here "berth" is the `berth` CLI (node) and "docker" the docker CLI (Go), both talking to the same daemon.',
    'The `node -e 0` row is Node starting and exiting with no code, started as bin/berth starts it (its `#!/usr/bin/env -S` line, without NODE_EXTRA_CA_CERTS): the floor under any Node CLI, against `docker version`.',
  ],
  async run(context) {
    const { engines, repoRoot, quick, signal } = context;
    const berthBin = join(repoRoot, 'bin/berth');
    const rows: Row[] = [];
    const versionCheck = COMMANDS[0]!.check;
    const node = await nodeAsBerthStartsIt(berthBin);
    const floor = await alternate(
      {
        berth: () => timed(node.command, node.args, process.env, () => true),
        docker: () => timed('docker', ['version'], engines.berth.env, versionCheck),
      },
      { ...quick, signal },
    );
    const floorNote =
      floor.berth.kind === 'measured'
        ? `\`node -e 0\` alone, started as bin/berth starts Node (the floor of any Node CLI): ${summarize(floor.berth.samples).median.toFixed(0)} ms median${await caCertsNote(context)}`
        : '';
    rows.push({
      id: 'cli-node-floor',
      metric:
        "`node -e 0` started as bin/berth starts Node (`env -S`, no NODE_EXTRA_CA_CERTS; Node's own start-up, no berth code) vs `docker version` on berthd",
      unit: 'ms',
      ...floor,
      note: floorNote,
    });
    for (const daemon of [engines.berth, engines.docker] satisfies Engine[]) {
      for (const { args, check } of COMMANDS) {
        const sides = await alternate(
          {
            // bin/berth run as an installed `berth` is: its first line starts Node (see bin/berth).
            berth: () => timed(berthBin, args, daemon.env, check),
            docker: () => timed('docker', args, daemon.env, check),
          },
          { ...quick, signal },
        );
        const where = daemon.name === 'berth' ? 'berthd' : 'dockerd';
        rows.push({
          id: `cli-${args.join('-')}-on-${where}`,
          metric: `\`berth ${args.join(' ')}\` vs \`docker ${args.join(' ')}\` on ${where}`,
          unit: 'ms',
          ...sides,
          target: TARGET,
          note: floorNote,
        });
      }
    }
    return rows;
  },
};
