// Facts about the machine and the software under test, for the report header.
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { exec } from './exec.js';

export interface MachineFacts {
  cpu: string;
  cores: number;
  memory: string;
  kernel: string;
  cgroup: string;
  /** 1-minute load average when the run started: other work on the machine skews the figures. */
  load: string;
  versions: Record<string, string>;
}

async function firstLine(command: string, args: string[]): Promise<string> {
  try {
    const result = await exec(command, args, { timeoutMs: 10_000 });
    return (result.stdout || result.stderr).split('\n')[0]?.trim() || 'unknown';
  } catch {
    return 'not installed';
  }
}

async function cgroupVersion(): Promise<string> {
  const mounts = await readFile('/proc/self/mounts', 'utf8');
  const root = mounts.split('\n').find((line) => line.split(' ')[1] === '/sys/fs/cgroup');
  return root?.split(' ')[2] === 'cgroup2' ? 'v2 (unified)' : 'v1';
}

export async function machineFacts(repoRoot: string, gitSha: string): Promise<MachineFacts> {
  const pkg = JSON.parse(await readFile(`${repoRoot}/package.json`, 'utf8')) as { version: string };
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: release(),
    cgroup: await cgroupVersion(),
    load: loadavg()[0]!.toFixed(2),
    versions: {
      berth: `${pkg.version} (${gitSha})`,
      node: process.version,
      runc: await firstLine('runc', ['--version']),
      conmon: await firstLine('conmon', ['--version']),
      dockerd: await firstLine('dockerd', ['--version']),
      containerd: await firstLine('containerd', ['--version']),
      'docker CLI': await firstLine('docker', ['--version']),
    },
  };
}
