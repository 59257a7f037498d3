// ContainerStats, ListContainerStats, PodSandboxStats and ListPodSandboxStats from one sample of each
// container's cgroup, taken by the engine's `docker stats` use case (stats-mapping.ts maps it), and
// UpdateContainerResources through the engine's `docker update` (container-resources.ts). The writable layer's
// usage is the container's upper directory, as `docker ps --size` counts it.
import { create } from '@bufbuild/protobuf';
import type { ContainerRecord } from '../core/containers/container-record.js';
import type { ContainerService } from '../engine/containers/container-service.js';
import type { ContainerExtras } from '../engine/containers/container-extras.js';
import type { ContainerStatsJson } from '../spec/docker/stats.js';
import { ANNOTATIONS, KIND, METADATA, SANDBOX_ID, criLabels, jsonLabel, matchesSelector } from './cri-labels.js';
import type { PodContainers } from './pod-containers.js';
import type { PodSandboxes } from './pod-sandboxes.js';
import { updateRequestOf } from './container-resources.js';
import { cpuAndMemory, networkOf, sampleTime, sumOf, type CpuAndMemory } from './stats-mapping.js';
import {
  ContainerFilterSchema,
  ContainerStatsSchema,
  PodSandboxFilterSchema,
  PodSandboxStatsSchema,
  type ContainerStats,
  type ContainerStatsFilter,
  type LinuxContainerResources,
  type PodSandboxStats,
  type PodSandboxStatsFilter,
} from './proto.js';

export interface PodStatsDeps {
  containers: ContainerService;
  extras: ContainerExtras;
  sandboxes: PodSandboxes;
  podContainers: PodContainers;
  /** The writable layers' filesystem, as ImageFsInfo names it. */
  imageFsMountpoint: string;
}

export class PodStats {
  constructor(private readonly deps: PodStatsDeps) {}

  /** One sample (the empty record when it does not run). */
  private async sample(id: string): Promise<ContainerStatsJson> {
    for await (const s of this.deps.extras.stats.open(id, { stream: false, oneShot: true })) return s;
    throw new Error(`no stats sample for ${id}`);
  }

  private async containerStats(
    c: ContainerRecord,
  ): Promise<{ stats: ContainerStats; usage?: CpuAndMemory; processes: number }> {
    const [sample, view] = await Promise.all([this.sample(c.id), this.deps.containers.inspect(c.id, { size: true })]);
    const usage = cpuAndMemory(sample);
    const labels = c.config.Labels ?? {};
    const stats = create(ContainerStatsSchema, {
      attributes: {
        id: c.id,
        metadata: jsonLabel(labels, METADATA, { name: '', attempt: 0 }),
        labels: criLabels(labels),
        annotations: jsonLabel<Record<string, string>>(labels, ANNOTATIONS, {}),
      },
      ...(usage ?? {}),
      writableLayer: {
        timestamp: sampleTime(sample) || BigInt(Date.now()) * 1_000_000n,
        fsId: { mountpoint: this.deps.imageFsMountpoint },
        usedBytes: { value: BigInt(view.size?.rw ?? 0) },
      },
    });
    return { stats, ...(usage ? { usage } : {}), processes: sample.pids_stats.current ?? 0 };
  }

  async container(ref: string): Promise<ContainerStats> {
    return (await this.containerStats(await this.deps.podContainers.record(ref))).stats;
  }

  async listContainers(filter: ContainerStatsFilter | undefined): Promise<ContainerStats[]> {
    const listed = await this.deps.podContainers.list(
      filter &&
        create(ContainerFilterSchema, {
          id: filter.id,
          podSandboxId: filter.podSandboxId,
          labelSelector: filter.labelSelector,
        }),
    );
    const out: ContainerStats[] = [];
    for (const { id } of listed) {
      try {
        out.push((await this.containerStats(await this.deps.podContainers.record(id))).stats);
      } catch {
        // removed meanwhile
      }
    }
    return out;
  }

  async pod(ref: string): Promise<PodSandboxStats> {
    const sandbox = await this.deps.sandboxes.record(ref);
    const members = (
      await this.deps.containers.list({
        all: true,
        limit: undefined,
        size: false,
        filters: new Map([['label', [`${SANDBOX_ID}=${sandbox.id}`, `${KIND}=container`]]]),
      })
    ).map((v) => v.record);
    const [infraSample, ...containers] = await Promise.all([
      this.sample(sandbox.id),
      ...members.map((c) => this.containerStats(c)),
    ]);
    const infra = cpuAndMemory(infraSample);
    const total = sumOf([...(infra ? [infra] : []), ...containers.flatMap((c) => (c.usage ? [c.usage] : []))]);
    const network = networkOf(infraSample);
    const processes = containers.reduce((n, c) => n + c.processes, infraSample.pids_stats.current ?? 0);
    const labels = sandbox.config.Labels ?? {};
    return create(PodSandboxStatsSchema, {
      attributes: {
        id: sandbox.id,
        metadata: this.deps.sandboxes.facts(sandbox).meta,
        labels: criLabels(labels),
        annotations: jsonLabel<Record<string, string>>(labels, ANNOTATIONS, {}),
      },
      linux: {
        ...(total ?? {}),
        ...(network ? { network } : {}),
        ...(total ? { process: { timestamp: total.cpu.timestamp, processCount: { value: BigInt(processes) } } } : {}),
        containers: containers.map((c) => c.stats),
      },
    });
  }

  async listPods(filter: PodSandboxStatsFilter | undefined): Promise<PodSandboxStats[]> {
    const pods = await this.deps.sandboxes.list(filter && create(PodSandboxFilterSchema, { id: filter.id }));
    const out: PodSandboxStats[] = [];
    for (const pod of pods) {
      if (filter?.labelSelector && !matchesSelector(pod.labels, filter.labelSelector)) continue;
      try {
        out.push(await this.pod(pod.id));
      } catch {
        // removed meanwhile
      }
    }
    return out;
  }

  async update(ref: string, resources: LinuxContainerResources | undefined): Promise<void> {
    const c = await this.deps.podContainers.record(ref);
    if (!resources) return;
    const request = updateRequestOf(resources, { oomScoreAdj: c.hostConfig.OomScoreAdj ?? 0 });
    if (Object.keys(request).length > 0) await this.deps.extras.control.update(c.id, request);
  }
}
