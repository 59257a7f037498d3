// berth update [OPTIONS] CONTAINER [CONTAINER...]: new resource limits and restart policy; prints each name.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { forEachContainer } from '../container-action.js';

const UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** go-units RAMInBytes: `64m`, `1g`, `512k`, plain bytes; -1 stays -1 (unlimited swap). */
export function ramInBytes(v: string): number {
  if (v === '-1') return -1;
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)(i?b)?$/i.exec(v.trim());
  if (!m) throw new CliExit(125, `invalid argument "${v}" for "-m, --memory" flag: invalid size: '${v}'`);
  return Math.floor(Number(m[1]) * (UNITS[(m[2] || 'b').toLowerCase()] ?? 1));
}

interface UpdateFlags {
  memory?: string;
  memorySwap?: string;
  memoryReservation?: string;
  cpuShares?: string;
  cpuQuota?: string;
  cpuPeriod?: string;
  cpus?: string;
  cpusetCpus?: string;
  cpusetMems?: string;
  pidsLimit?: string;
  blkioWeight?: string;
  restart?: string;
}

export function updateBody(f: UpdateFlags): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const int = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  if (f.memory) body.Memory = ramInBytes(f.memory);
  if (f.memorySwap) body.MemorySwap = ramInBytes(f.memorySwap);
  if (f.memoryReservation) body.MemoryReservation = ramInBytes(f.memoryReservation);
  if (f.cpuShares) body.CpuShares = int(f.cpuShares);
  if (f.cpuQuota) body.CpuQuota = int(f.cpuQuota);
  if (f.cpuPeriod) body.CpuPeriod = int(f.cpuPeriod);
  if (f.cpus) body.NanoCpus = Math.round(Number(f.cpus) * 1e9);
  if (f.cpusetCpus) body.CpusetCpus = f.cpusetCpus;
  if (f.cpusetMems) body.CpusetMems = f.cpusetMems;
  if (f.pidsLimit) body.PidsLimit = int(f.pidsLimit);
  if (f.blkioWeight) body.BlkioWeight = int(f.blkioWeight);
  if (f.restart) {
    const [name = '', count] = f.restart.split(':');
    body.RestartPolicy = { Name: name, MaximumRetryCount: count ? Number(count) : 0 };
  }
  return body;
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .description('Update configuration of one or more containers')
    .argument('[containers...]')
    .option('--blkio-weight <uint16>', 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)')
    .option('--cpu-period <int>', 'Limit CPU CFS (Completely Fair Scheduler) period')
    .option('--cpu-quota <int>', 'Limit CPU CFS (Completely Fair Scheduler) quota')
    .option('-c, --cpu-shares <int>', 'CPU shares (relative weight)')
    .option('--cpus <decimal>', 'Number of CPUs')
    .option('--cpuset-cpus <string>', 'CPUs in which to allow execution (0-3, 0,1)')
    .option('--cpuset-mems <string>', 'MEMs in which to allow execution (0-3, 0,1)')
    .option('-m, --memory <bytes>', 'Memory limit')
    .option('--memory-reservation <bytes>', 'Memory soft limit')
    .option('--memory-swap <bytes>', 'Swap limit equal to memory plus swap: -1 to enable unlimited swap')
    .option('--pids-limit <int>', 'Tune container pids limit (set -1 for unlimited)')
    .option('--restart <string>', 'Restart policy to apply when a container exits') as DockerCommand;
  cmd.action(async (refs: string[], flags: UpdateFlags) => {
    requireArgs(cmd, refs, { min: 1 });
    const body = updateBody(flags);
    if (Object.keys(body).length === 0)
      throw new CliExit(1, 'you must provide one or more flags when using this command');
    await forEachContainer(ctx, refs, async (ref) => {
      await ctx.client.containers.update(ref, body);
      return ref;
    });
  });
  return cmd;
}
