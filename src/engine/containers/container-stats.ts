// `docker stats`: samples of a container's counters in Docker's exact shape and key order. stream: one record
// about every second, each carrying the previous sample as precpu_stats (the first an empty one); one-shot:
// a single sample; stream=false without one-shot: two samples a second apart so precpu_stats is filled. A
// container that is not running gets one empty record when not streaming, nothing while streaming (as Docker).
import { ZERO_TIME, nowRfc3339Nano } from '../../lib/time.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { RuntimePort, RuntimeStatsSample } from '../../core/runtime/runtime.js';
import type { ContainerStatsJson, CpuStats, MemoryStats } from '../../spec/docker/stats.js';
import { emptyBlkioStats, emptyCpuStats } from '../../core/runtime/empty-stats.js';
import type { ContainerAccess } from './container-access.js';
import type { HostConfigSupport } from '../../core/containers/host-config-check.js';
import { failedPrecondition } from '../../core/errdefs.js';

export interface ContainerStatsDeps {
  access: ContainerAccess;
  runtime: RuntimePort;
  /** Without cgroups (rootless on cgroup v1) there is nothing to sample: refused by name, not shown as zeros. */
  hostSupport?: HostConfigSupport;
}

interface Sample {
  read: string;
  stats: RuntimeStatsSample;
}

const INTERVAL_MS = 1000;

/** Docker's field order (Go struct order); empty fields left out where Docker's omitempty drops them. */
function cpuJson(cpu: CpuStats): CpuStats {
  const usage = cpu.cpu_usage;
  return {
    cpu_usage: {
      total_usage: usage.total_usage,
      ...(usage.percpu_usage?.length ? { percpu_usage: usage.percpu_usage } : {}),
      usage_in_kernelmode: usage.usage_in_kernelmode,
      usage_in_usermode: usage.usage_in_usermode,
    },
    ...(cpu.system_cpu_usage ? { system_cpu_usage: cpu.system_cpu_usage } : {}),
    ...(cpu.online_cpus ? { online_cpus: cpu.online_cpus } : {}),
    throttling_data: cpu.throttling_data,
  };
}

function memoryJson(m: MemoryStats): MemoryStats {
  return {
    ...(m.usage !== undefined ? { usage: m.usage } : {}),
    ...(m.max_usage ? { max_usage: m.max_usage } : {}),
    ...(m.stats ? { stats: m.stats } : {}),
    ...(m.failcnt ? { failcnt: m.failcnt } : {}),
    ...(m.limit !== undefined ? { limit: m.limit } : {}),
  };
}

export function statsJson(
  c: ContainerRecord,
  current: Sample | undefined,
  previous: Sample | undefined,
): ContainerStatsJson {
  const s = current?.stats;
  return {
    read: current?.read ?? ZERO_TIME,
    preread: previous?.read ?? ZERO_TIME,
    pids_stats: s?.pids ?? {},
    blkio_stats: s?.blkio ?? emptyBlkioStats(),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: s ? cpuJson(s.cpu) : emptyCpuStats(),
    precpu_stats: previous ? cpuJson(previous.stats.cpu) : emptyCpuStats(),
    memory_stats: s ? memoryJson(s.memory) : {},
    name: `/${c.name}`,
    id: c.id,
    ...(s?.networks ? { networks: s.networks } : {}),
  };
}

const running = (c: ContainerRecord): boolean => c.state.status === 'running' || c.state.status === 'paused';

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

export class ContainerStats {
  constructor(private readonly deps: ContainerStatsDeps) {}

  private async sample(c: ContainerRecord, signal?: AbortSignal): Promise<Sample | undefined> {
    try {
      return { read: nowRfc3339Nano(), stats: await this.deps.runtime.stats(c.id, { signal }) };
    } catch {
      return undefined; // it stopped meanwhile
    }
  }

  /** Resolves the container first, so a bad name fails before any byte is written. */
  open(
    ref: string,
    options: { stream: boolean; oneShot: boolean; signal?: AbortSignal },
  ): AsyncIterable<ContainerStatsJson> {
    const first = this.deps.access.resolve(ref);
    const unavailable = this.deps.hostSupport?.limitsUnavailable;
    if (unavailable !== undefined) throw failedPrecondition(`stats are not available: ${unavailable}`);
    return this.records(first.id, first, options);
  }

  private async *records(
    id: string,
    first: ContainerRecord,
    options: { stream: boolean; oneShot: boolean; signal?: AbortSignal },
  ): AsyncIterable<ContainerStatsJson> {
    const { signal } = options;
    if (!options.stream) {
      if (!running(first)) {
        yield statsJson(first, undefined, undefined);
        return;
      }
      const a = await this.sample(first, signal);
      if (options.oneShot || !a) {
        yield statsJson(first, a, undefined);
        return;
      }
      await sleep(INTERVAL_MS, signal);
      const b = await this.sample(first, signal);
      yield b ? statsJson(first, b, a) : statsJson(first, a, undefined);
      return;
    }
    let previous: Sample | undefined;
    while (!signal?.aborted) {
      let c: ContainerRecord;
      try {
        c = this.deps.access.resolve(id);
      } catch {
        return; // removed
      }
      if (running(c)) {
        const current = await this.sample(c, signal);
        if (current) {
          yield statsJson(c, current, previous);
          previous = current;
        }
      } else previous = undefined;
      await sleep(INTERVAL_MS, signal);
    }
  }
}
