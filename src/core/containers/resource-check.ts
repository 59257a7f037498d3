// Docker's checks of a container's cgroup limits, in its order and words: the values alone (at create, and for an
// update's new values), then an update's values against the limits the container already has. Pure: what the
// host offers (CPU count, the cpuset) comes in from the daemon.
import { conflict, invalidArgument } from '../errdefs.js';
import type { HostConfig } from '../../spec/docker/containers.js';

const MIN_MEMORY = 6 * 1024 * 1024;

/** The host's CPUs as Docker's checks use them; 0 / '' when unknown (nothing is checked then). */
export interface HostCpus {
  /** CPUs this process may run on (Go's runtime.NumCPU). */
  cpuCount: number;
  /** The cpuset the containers' parent cgroup offers, e.g. "0-3". */
  cpuset: string;
}

type Limits = Pick<
  HostConfig,
  | 'Memory'
  | 'MemorySwap'
  | 'MemoryReservation'
  | 'NanoCpus'
  | 'CpuPeriod'
  | 'CpuQuota'
  | 'CpusetCpus'
  | 'CpusetMems'
  | 'PidsLimit'
>;

/** "0-2,4" -> {0,1,2,4}; throws on anything else (Docker: parsers.ParseUintList). */
export function parseCpuList(list: string): Set<number> {
  const out = new Set<number>();
  if (list === '') return out;
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`invalid format: ${list}`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new Error(`invalid range: ${part}`);
    for (let i = from; i <= to; i++) out.add(i);
  }
  return out;
}

const num = (v: number | null | undefined): number => (typeof v === 'number' ? v : 0);

/** The limits alone, as Docker's verifyPlatformContainerResources: an update may set a swap limit on its own. */
export function checkLimitValues(r: Partial<Limits>, host: HostCpus, options: { update: boolean }): void {
  const memory = num(r.Memory);
  const swap = num(r.MemorySwap);
  const reservation = num(r.MemoryReservation);
  if (memory !== 0 && memory < MIN_MEMORY) throw invalidArgument('Minimum memory limit allowed is 6MB');
  if (memory > 0 && swap > 0 && swap < memory)
    throw invalidArgument('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (memory === 0 && swap > 0 && !options.update)
    throw invalidArgument('You should always set the Memory limit when using Memoryswap limit, see usage');
  if (reservation > 0 && reservation < MIN_MEMORY) throw invalidArgument('Minimum memory reservation allowed is 6MB');
  if (memory > 0 && reservation > 0 && memory < reservation)
    throw invalidArgument('Minimum memory limit can not be less than memory reservation limit, see usage');

  const nano = num(r.NanoCpus);
  const period = num(r.CpuPeriod);
  const quota = num(r.CpuQuota);
  if (nano > 0 && period > 0) throw invalidArgument('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (nano > 0 && quota > 0) throw invalidArgument('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if (nano !== 0 && host.cpuCount > 0 && (nano < 0 || nano > host.cpuCount * 1e9))
    throw invalidArgument(
      `Range of CPUs is from 0.01 to ${host.cpuCount}.00, as there are only ${host.cpuCount} CPUs available`,
    );
  if (period !== 0 && (period < 1000 || period > 1000000))
    throw invalidArgument('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  if (quota > 0 && quota < 1000) throw invalidArgument('CPU cfs quota can not be less than 1ms (i.e. 1000)');

  if (r.CpusetCpus) {
    let asked: Set<number>;
    try {
      asked = parseCpuList(r.CpusetCpus);
    } catch (err) {
      throw invalidArgument(`Invalid value ${r.CpusetCpus} for cpuset cpus: ${(err as Error).message}`);
    }
    if (host.cpuset !== '') {
      const offered = parseCpuList(host.cpuset);
      if ([...asked].some((cpu) => !offered.has(cpu)))
        throw invalidArgument(
          `Requested CPUs are not available - requested ${r.CpusetCpus}, available: ${host.cpuset}`,
        );
    }
  }
}

/** An update's new limits against the container's own, as Docker's Container.UpdateContainer (its Conflict errors). */
export function checkLimitUpdate(current: Partial<Limits>, r: Partial<Limits>): void {
  if (num(r.NanoCpus) > 0 && num(current.CpuPeriod) > 0)
    throw conflict('Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set');
  if (num(r.NanoCpus) > 0 && num(current.CpuQuota) > 0)
    throw conflict('Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set');
  if (num(r.CpuPeriod) > 0 && num(current.NanoCpus) > 0)
    throw conflict('Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set');
  if (num(r.CpuQuota) > 0 && num(current.NanoCpus) > 0)
    throw conflict('Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set');
  // Docker compares with the swap limit as recorded: none (0) counts as below any memory limit.
  if (num(r.Memory) !== 0 && num(r.Memory) > num(current.MemorySwap) && num(r.MemorySwap) === 0)
    throw conflict(
      'Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time',
    );
}
