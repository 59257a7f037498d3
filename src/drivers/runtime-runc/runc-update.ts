// `runc update` flags for a resource change; only the fields given are passed, so the rest stay as they are.
import type { ResourceUpdate } from '../../core/runtime/runtime.js';

export function runcUpdateArgs(r: ResourceUpdate): string[] {
  const args: string[] = [];
  const add = (flag: string, value: number | string | undefined): void => {
    if (value !== undefined && value !== '') args.push(`--${flag}`, String(value));
  };
  add('memory', r.memory);
  add('memory-swap', r.memorySwap);
  add('memory-reservation', r.memoryReservation);
  add('cpu-share', r.cpuShares);
  add('cpu-quota', r.cpuQuota);
  add('cpu-period', r.cpuPeriod);
  add('cpuset-cpus', r.cpusetCpus);
  add('cpuset-mems', r.cpusetMems);
  add('pids-limit', r.pidsLimit);
  add('blkio-weight', r.blkioWeight);
  return args;
}
