// UpdateContainerResources' LinuxContainerResources as the Engine API's update request (engine/containers/
// container-control.ts applies it with `runc update`, as `docker update`). Pure. 0 leaves a field as it is, as
// in the CRI. What runc update cannot change is refused by name, unless it asks for what is already there:
// kubelet sends the whole resources message, oom_score_adj and zero hugepage limits included.
import { invalidArgument } from '../core/errdefs.js';
import type { ContainerUpdateRequest } from '../spec/docker/stats.js';
import type { LinuxContainerResources } from './proto.js';

export function updateRequestOf(r: LinuxContainerResources, current: { oomScoreAdj: number }): ContainerUpdateRequest {
  if (r.oomScoreAdj !== 0n && Number(r.oomScoreAdj) !== current.oomScoreAdj)
    throw invalidArgument(
      `LinuxContainerResources.oom_score_adj: cannot be changed on a created container (${current.oomScoreAdj} now)`,
    );
  if (r.hugepageLimits.some((h) => h.limit !== 0n))
    throw invalidArgument('LinuxContainerResources.hugepage_limits: hugepages are not supported');
  if (Object.keys(r.unified).length > 0)
    throw invalidArgument('LinuxContainerResources.unified: cgroup v2 unified resources are not supported');
  const out: ContainerUpdateRequest = {};
  if (r.cpuShares !== 0n) out.CpuShares = Number(r.cpuShares);
  if (r.cpuQuota !== 0n) out.CpuQuota = Number(r.cpuQuota);
  if (r.cpuPeriod !== 0n) out.CpuPeriod = Number(r.cpuPeriod);
  if (r.cpusetCpus) out.CpusetCpus = r.cpusetCpus;
  if (r.cpusetMems) out.CpusetMems = r.cpusetMems;
  if (r.memoryLimitInBytes !== 0n) out.Memory = Number(r.memoryLimitInBytes);
  const swap = criMemorySwap(r.memoryLimitInBytes, r.memorySwapLimitInBytes);
  if (swap !== undefined) out.MemorySwap = swap;
  return out;
}

/** A CRI memory limit without a swap limit allows no swap (memory+swap = memory), as containerd's CRI sets it, not
 * Docker's twice the memory; and `docker update`'s rule that a memory limit above the recorded swap limit must come
 * with one does not then refuse kubelet's memory-only update. */
export function criMemorySwap(memoryLimit: bigint, swapLimit: bigint): number | undefined {
  if (swapLimit !== 0n) return Number(swapLimit);
  return memoryLimit !== 0n ? Number(memoryLimit) : undefined;
}
