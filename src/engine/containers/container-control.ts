// pause, unpause, update and top: operations on a running container's process and cgroup, serialised with its
// other state changes, with Docker's refusals and events.
import { conflict, internal, withPrefix } from '../../core/errdefs.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import { normalizeRestartPolicy } from '../../core/containers/restart-policy.js';
import {
  checkUpdateValues,
  DEFAULT_HOST_SUPPORT,
  type HostConfigSupport,
} from '../../core/containers/host-config-check.js';
import { checkLimitUpdate } from '../../core/containers/resource-check.js';
import type { HostConfig } from '../../spec/docker/containers.js';
import type { ProcessList, ProcessTable } from '../../core/runtime/process-table.js';
import type { ResourceUpdate, RuntimePort } from '../../core/runtime/runtime.js';
import type { ContainerUpdateRequest } from '../../spec/docker/stats.js';
import type { ContainerAccess } from './container-access.js';

export interface ContainerControlDeps {
  access: ContainerAccess;
  runtime: RuntimePort;
  processes: ProcessTable;
  hostSupport?: HostConfigSupport;
}

// The refusals in dockerd 20.10's words and statuses (measured side by side): the full ID, "Container" capitalised.
const notRunning = (c: ContainerRecord): Error => conflict(`Container ${c.id} is not running`);
const restarting = (c: ContainerRecord): Error =>
  conflict(`Container ${c.id} is restarting, wait until the container is running`);

export class ContainerControl {
  constructor(private readonly deps: ContainerControlDeps) {}

  async pause(ref: string): Promise<void> {
    await this.deps.access.locked(ref, async (c) => {
      if (c.state.status === 'paused') throw conflict(`Container ${c.id} is already paused`);
      if (c.state.status === 'restarting') throw restarting(c);
      if (c.state.status !== 'running') throw notRunning(c);
      await this.deps.runtime.pause(c.id);
      c.state = { ...c.state, status: 'paused' };
      this.deps.access.save(c);
      this.deps.access.publish(c, 'pause');
    });
  }

  async unpause(ref: string): Promise<void> {
    await this.deps.access.locked(ref, async (c) => {
      // dockerd 20.10 answers this one with a plain error: a 500.
      if (c.state.status !== 'paused') throw internal(`Container ${c.id} is not paused`);
      await this.deps.runtime.resume(c.id);
      c.state = { ...c.state, status: 'running' };
      this.deps.access.save(c);
      this.deps.access.publish(c, 'unpause');
    });
  }

  /** The freezer state of a running container's cgroup (FROZEN when paused). */
  async freezerState(ref: string): Promise<string> {
    const c = this.deps.access.resolve(ref);
    if (c.state.status !== 'running' && c.state.status !== 'paused') throw notRunning(c);
    return this.deps.runtime.freezerState(c.id);
  }

  async top(ref: string, psArgs: string, options: { signal?: AbortSignal } = {}): Promise<ProcessList> {
    const c = this.deps.access.resolve(ref);
    if (c.state.status === 'restarting') throw restarting(c);
    if (c.state.status !== 'running' && c.state.status !== 'paused') throw notRunning(c);
    const pids = await this.deps.runtime.pids(c.id, options);
    const list = await this.deps.processes.list(psArgs || '-ef', pids, options);
    this.deps.access.publish(c, 'top');
    return list;
  }

  /** New limits in the record and, while it runs, in its cgroup; a new restart policy. */
  async update(ref: string, request: ContainerUpdateRequest): Promise<{ Warnings: string[] }> {
    checkUpdateValues(request as Partial<HostConfig>, this.deps.hostSupport ?? DEFAULT_HOST_SUPPORT);
    if (request.RestartPolicy?.Name)
      normalizeRestartPolicy(
        { Name: request.RestartPolicy.Name as 'no', MaximumRetryCount: request.RestartPolicy.MaximumRetryCount ?? 0 },
        false,
      );
    return this.deps.access.locked(ref, async (c) => {
      if (c.state.status === 'removing') throw conflict(`container ${c.id} is marked for removal`);
      // Docker's refusals against what the container has, each as "Cannot update container <id>: ...".
      try {
        checkLimitUpdate(c.hostConfig, request as Partial<HostConfig>);
        if (request.RestartPolicy?.Name && c.hostConfig.AutoRemove && request.RestartPolicy.Name !== 'no')
          throw conflict('Restart policy cannot be updated because AutoRemove is enabled for the container');
      } catch (err) {
        throw withPrefix(err, `Cannot update container ${c.id}`);
      }
      const resources = toResources(request);
      if ((c.state.status === 'running' || c.state.status === 'paused') && Object.keys(resources).length > 0)
        await this.deps.runtime.update(c.id, resources);
      const hc = c.hostConfig as unknown as Record<string, unknown>;
      for (const key of [
        'Memory',
        'MemorySwap',
        'MemoryReservation',
        'CpuShares',
        'CpuQuota',
        'CpuPeriod',
        'NanoCpus',
        'CpusetCpus',
        'CpusetMems',
        'PidsLimit',
        'BlkioWeight',
      ] as const) {
        const value = request[key];
        if (value === undefined || value === null) continue;
        // Docker records 0 for "unlimited" (0 or any negative PidsLimit); other zeros mean "leave as is".
        if (key === 'PidsLimit') hc[key] = typeof value === 'number' && value < 0 ? 0 : value;
        else if (value !== 0) hc[key] = value;
      }
      if (request.RestartPolicy?.Name)
        c.hostConfig.RestartPolicy = {
          Name: request.RestartPolicy.Name as 'no',
          MaximumRetryCount: request.RestartPolicy.MaximumRetryCount ?? 0,
        };
      this.deps.access.save(c);
      this.deps.access.publish(c, 'update');
      return { Warnings: [] };
    });
  }
}

/** Docker's update fields as runc's: 0 means "leave as is"; NanoCpus becomes a quota over a 100 ms period. */
export function toResources(r: ContainerUpdateRequest): ResourceUpdate {
  const out: ResourceUpdate = {};
  const set = <K extends keyof ResourceUpdate>(key: K, value: ResourceUpdate[K] | null | undefined): void => {
    if (value !== undefined && value !== null && value !== 0 && value !== '') out[key] = value;
  };
  set('memory', r.Memory);
  set('memorySwap', r.MemorySwap);
  set('memoryReservation', r.MemoryReservation);
  set('cpuShares', r.CpuShares);
  set('cpuQuota', r.CpuQuota);
  set('cpuPeriod', r.CpuPeriod);
  if (r.NanoCpus) {
    out.cpuPeriod = 100000;
    out.cpuQuota = Math.round((r.NanoCpus * 100000) / 1e9);
  }
  set('cpusetCpus', r.CpusetCpus);
  set('cpusetMems', r.CpusetMems);
  // 0 and any negative number lift the limit (runc's -1), as Docker's update does.
  if (r.PidsLimit !== undefined && r.PidsLimit !== null) out.pidsLimit = r.PidsLimit > 0 ? r.PidsLimit : -1;
  set('blkioWeight', r.BlkioWeight);
  return out;
}
