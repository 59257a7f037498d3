// A pod's containers as berth containers (container-spec.ts maps the config): create in a running sandbox,
// start, stop with a timeout, remove (idempotent), status with reason, message and exit code, list with the
// CRI's filters, ExecSync and ReopenContainerLog.
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { conflict, invalidArgument, isKind, notFound } from '../core/errdefs.js';
import type { ContainerRecord } from '../core/containers/container-record.js';
import type { ContainerService } from '../engine/containers/container-service.js';
import type { ExecService } from '../engine/exec/exec-service.js';
import {
  ANNOTATIONS,
  IMAGE,
  KIND,
  METADATA,
  MOUNTS,
  SANDBOX_ID,
  criLabels,
  jsonLabel,
  matchesSelector,
} from './cri-labels.js';
import { containerCreateRequest, type CriMount } from './container-spec.js';
import { readSeccompProfile } from './seccomp-profile.js';
import { nanoOf, type PodSandboxes } from './pod-sandboxes.js';
import {
  ContainerSchema,
  ContainerState,
  ContainerStatusSchema,
  type Container,
  type ContainerConfig,
  type ContainerFilter,
  type ContainerStatus,
} from './proto.js';

export interface PodContainersDeps {
  containers: ContainerService;
  execs: ExecService;
  sandboxes: PodSandboxes;
}

function stateOf(c: ContainerRecord): ContainerState {
  switch (c.state.status) {
    case 'created':
      return ContainerState.CONTAINER_CREATED;
    case 'running':
    case 'paused':
    case 'restarting':
      return ContainerState.CONTAINER_RUNNING;
    case 'exited':
    case 'dead':
      return ContainerState.CONTAINER_EXITED;
    default:
      return ContainerState.CONTAINER_UNKNOWN;
  }
}

/** kubelet's reasons: Completed (exit 0), Error, OOMKilled; a start that failed: StartError with runc's words. */
function reasonOf(c: ContainerRecord): { reason: string; message: string } {
  if (c.state.status === 'created' && c.state.error) return { reason: 'StartError', message: c.state.error };
  if (stateOf(c) !== ContainerState.CONTAINER_EXITED) return { reason: '', message: '' };
  if (c.state.oomKilled) return { reason: 'OOMKilled', message: '' };
  if (c.state.error) return { reason: 'StartError', message: c.state.error };
  return { reason: c.state.exitCode === 0 ? 'Completed' : 'Error', message: '' };
}

export class PodContainers {
  constructor(private readonly deps: PodContainersDeps) {}

  async record(ref: string): Promise<ContainerRecord> {
    if (!ref) throw invalidArgument('ContainerId: must be set');
    try {
      const { record } = await this.deps.containers.inspect(ref, { size: false });
      if (record.config.Labels?.[KIND] === 'container') return record;
    } catch (err) {
      if (!isKind(err, 'NotFound')) throw err;
    }
    throw notFound(`container ${ref} not found`);
  }

  async create(podId: string, config: ContainerConfig): Promise<string> {
    const sandbox = await this.deps.sandboxes.record(podId);
    if (sandbox.state.status !== 'running') throw conflict(`pod sandbox ${sandbox.id} is not running`);
    const facts = this.deps.sandboxes.facts(sandbox);
    const { name, request } = containerCreateRequest(config, facts, readSeccompProfile);
    const { id } = await this.deps.containers.create(request, name, { forPod: true });
    return id;
  }

  async start(ref: string): Promise<void> {
    const c = await this.record(ref);
    if (c.state.status !== 'created') throw conflict(`container ${c.id} is ${c.state.status}, not created`);
    await this.deps.containers.start(c.id);
  }

  async stop(ref: string, timeoutSeconds: number): Promise<void> {
    const c = await this.record(ref);
    await this.deps.containers.stop(c.id, { timeoutSeconds: Math.max(0, timeoutSeconds) });
  }

  async remove(ref: string): Promise<void> {
    let c: ContainerRecord;
    try {
      c = await this.record(ref);
    } catch (err) {
      if (isKind(err, 'NotFound')) return;
      throw err;
    }
    await this.deps.containers.remove(c.id, { force: true, volumes: true }).catch((err: unknown) => {
      if (!isKind(err, 'NotFound')) throw err;
    });
  }

  async status(ref: string, verbose: boolean): Promise<{ status: ContainerStatus; info: Record<string, string> }> {
    const c = await this.record(ref);
    const labels = c.config.Labels ?? {};
    const mounts = jsonLabel<CriMount[]>(labels, MOUNTS, []);
    const status = create(ContainerStatusSchema, {
      id: c.id,
      metadata: jsonLabel(labels, METADATA, { name: '', attempt: 0 }),
      state: stateOf(c),
      createdAt: nanoOf(c.created),
      startedAt: nanoOf(c.state.startedAt),
      finishedAt: stateOf(c) === ContainerState.CONTAINER_EXITED ? nanoOf(c.state.finishedAt) : 0n,
      exitCode: stateOf(c) === ContainerState.CONTAINER_EXITED ? c.state.exitCode : 0,
      image: { image: labels[IMAGE] ?? c.image },
      imageRef: c.imageId,
      ...reasonOf(c),
      labels: criLabels(labels),
      annotations: jsonLabel<Record<string, string>>(labels, ANNOTATIONS, {}),
      mounts: mounts.map((m) => ({ ...m, selinuxRelabel: false })),
      logPath: c.hostConfig.LogConfig?.Config?.path ?? '',
    });
    const info: Record<string, string> = verbose
      ? { info: JSON.stringify({ pid: c.state.pid, sandboxID: labels[SANDBOX_ID], name: c.name, image: c.image }) }
      : {};
    return { status, info };
  }

  async list(filter: ContainerFilter | undefined): Promise<Container[]> {
    const views = await this.deps.containers.list({
      all: true,
      limit: undefined,
      size: false,
      filters: new Map([['label', [`${KIND}=container`]]]),
    });
    const out: Container[] = [];
    for (const { record: c } of views) {
      const labels = criLabels(c.config.Labels);
      const podId = c.config.Labels?.[SANDBOX_ID] ?? '';
      if (filter?.id && !c.id.startsWith(filter.id)) continue;
      if (filter?.podSandboxId && !podId.startsWith(filter.podSandboxId)) continue;
      if (filter?.state && filter.state.state !== stateOf(c)) continue;
      if (filter?.labelSelector && !matchesSelector(labels, filter.labelSelector)) continue;
      out.push(
        create(ContainerSchema, {
          id: c.id,
          podSandboxId: podId,
          metadata: jsonLabel(c.config.Labels, METADATA, { name: '', attempt: 0 }),
          image: { image: c.config.Labels?.[IMAGE] ?? c.image },
          imageRef: c.imageId,
          state: stateOf(c),
          createdAt: nanoOf(c.created),
          labels,
          annotations: jsonLabel<Record<string, string>>(c.config.Labels, ANNOTATIONS, {}),
        }),
      );
    }
    return out;
  }

  async execSync(
    ref: string,
    cmd: string[],
    timeoutSeconds: number,
    signal?: AbortSignal,
  ): Promise<{ stdout: Uint8Array; stderr: Uint8Array; exitCode: number }> {
    const c = await this.record(ref);
    if (c.state.status !== 'running') throw conflict(`container ${c.id} is not running`);
    const r = await this.deps.execs.runSync(c.id, cmd, {
      ...(timeoutSeconds > 0 ? { timeoutMs: timeoutSeconds * 1000 } : {}),
      ...(signal ? { signal } : {}),
    });
    if (r.timedOut)
      throw new ConnectError(
        `command ${JSON.stringify(cmd)} timed out after ${timeoutSeconds}s`,
        Code.DeadlineExceeded,
      );
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  }

  async reopenLog(ref: string): Promise<void> {
    const c = await this.record(ref);
    if (c.state.status !== 'running') throw conflict(`container ${c.id} is not running`);
    await this.deps.containers.reopenLog(c.id);
  }
}
