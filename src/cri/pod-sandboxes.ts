// Pod sandboxes as berth containers: RunPodSandbox makes and starts the pod's infra container (berth's pause
// image), then attaches the pod network through CNI to its network namespace; Stop stops the pod's containers,
// detaches the network and stops the infra process; Remove removes all of it. Stop and Remove are idempotent,
// as the CRI asks (a second call, or one after a half-done first, finishes the work and succeeds).
import { create } from '@bufbuild/protobuf';
import type { Logger } from '../lib/logger.js';
import { failedPrecondition, invalidArgument, isKind, notFound } from '../core/errdefs.js';
import { isRunningState, type ContainerRecord } from '../core/containers/container-record.js';
import type { PodNetwork, PodNetworkRequest, PodPortMapping } from '../core/networks/pod-network.js';
import type { ContainerService } from '../engine/containers/container-service.js';
import type { ImageService } from '../engine/images/image-service.js';
import { parseTimeNano } from '../lib/time.js';
import {
  ANNOTATIONS,
  KIND,
  METADATA,
  NAMESPACES,
  POD_SHARED,
  criLabels,
  jsonLabel,
  matchesSelector,
} from './cri-labels.js';
import { ensurePauseImage } from './pause-image.js';
import type { PodStates } from './pod-states.js';
import { readSeccompProfile } from './seccomp-profile.js';
import { sandboxCreateRequest, type PodShared, type SandboxNamespaces } from './sandbox-spec.js';
import type { SandboxFacts } from './container-spec.js';
import {
  NamespaceMode,
  PodSandboxSchema,
  PodSandboxState,
  PodSandboxStatusSchema,
  Protocol,
  type PodSandbox,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
} from './proto.js';

export interface PodSandboxesDeps {
  containers: ContainerService;
  images: ImageService;
  network: PodNetwork;
  states: PodStates;
  catatonitPath: string;
  logger: Logger;
}

type PodMeta = { name: string; uid: string; namespace: string; attempt: number };

const PROTOCOLS: Record<Protocol, PodPortMapping['protocol']> = {
  [Protocol.TCP]: 'tcp',
  [Protocol.UDP]: 'udp',
  [Protocol.SCTP]: 'sctp',
};

export const nanoOf = (rfc3339: string): bigint =>
  rfc3339 && !rfc3339.startsWith('0001-') ? parseTimeNano(rfc3339) : 0n;

export class PodSandboxes {
  constructor(private readonly deps: PodSandboxesDeps) {}

  /** The infra container of a pod sandbox by (a prefix of) its id; NotFound for anything else. */
  async record(ref: string): Promise<ContainerRecord> {
    if (!ref) throw invalidArgument('PodSandboxId: must be set');
    try {
      const { record } = await this.deps.containers.inspect(ref, { size: false });
      if (record.config.Labels?.[KIND] === 'sandbox') return record;
    } catch (err) {
      if (!isKind(err, 'NotFound')) throw err;
    }
    throw notFound(`pod sandbox ${ref} not found`);
  }

  /**
   * The running pod's network namespace, for PortForward: its infra process's, or undefined for a host-network pod
   * (the daemon's own). FailedPrecondition when the pod is not running.
   */
  async netns(ref: string): Promise<string | undefined> {
    const record = await this.record(ref);
    if (!isRunningState(record.state) || record.state.pid <= 0)
      throw failedPrecondition(`pod sandbox ${record.id} is not running`);
    return this.facts(record).hostNetwork ? undefined : `/proc/${record.state.pid}/ns/net`;
  }

  /** What a container of this pod takes from it. */
  facts(sandbox: ContainerRecord): SandboxFacts {
    const labels = sandbox.config.Labels ?? {};
    const ns = jsonLabel<SandboxNamespaces>(labels, NAMESPACES, { network: 0, pid: 0, ipc: 0 });
    return {
      id: sandbox.id,
      meta: jsonLabel<PodMeta>(labels, METADATA, { name: '', uid: '', namespace: '', attempt: 0 }),
      logDirectory: labels['io.berth.cri.log-directory'] ?? '',
      hostNetwork: ns.network === NamespaceMode.NODE,
      hostIpc: ns.ipc === NamespaceMode.NODE,
      hostPid: ns.pid === NamespaceMode.NODE,
      shared: jsonLabel<PodShared>(labels, POD_SHARED, {
        hostname: '',
        dns: [],
        dnsSearch: [],
        dnsOptions: [],
        cgroupParent: '',
      }),
    };
  }

  async run(config: PodSandboxConfig, runtimeHandler: string): Promise<string> {
    if (runtimeHandler && runtimeHandler !== 'runc')
      throw invalidArgument(`runtime handler ${runtimeHandler}: berth runs pods with runc only`);
    const image = await ensurePauseImage(this.deps.images, this.deps.catatonitPath);
    const { name, request } = sandboxCreateRequest(config, image, readSeccompProfile);
    const { id } = await this.deps.containers.create(request, name, { forPod: true });
    const portMappings = config.portMappings
      .filter((p) => p.hostPort > 0)
      .map((p) => ({
        hostPort: p.hostPort,
        containerPort: p.containerPort,
        protocol: PROTOCOLS[p.protocol],
        hostIP: p.hostIp,
      }));
    try {
      await this.deps.containers.start(id);
      // A host-network pod has no CNI attachment, so nothing to keep beside its record (no state file).
      if (request.HostConfig?.NetworkMode !== 'host') {
        const pod = this.networkRequest(await this.record(id), portMappings);
        await this.deps.states.put(id, { ips: [], attached: true, portMappings });
        const { ips } = await this.deps.network.attach(pod);
        await this.deps.states.put(id, { ips, attached: true, portMappings });
      }
      return id;
    } catch (err) {
      await this.remove(id).catch((e: unknown) => this.deps.logger.warn({ err: e, pod: id }, 'pod cleanup failed'));
      throw err;
    }
  }

  private networkRequest(record: ContainerRecord, portMappings: PodPortMapping[]): PodNetworkRequest {
    const meta = this.facts(record).meta;
    const running = isRunningState(record.state) && record.state.pid > 0;
    return {
      id: record.id,
      netnsPath: running ? `/proc/${record.state.pid}/ns/net` : '',
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      portMappings,
    };
  }

  /** CNI DEL once per attach (a second stop finds it detached). */
  private async detach(record: ContainerRecord): Promise<void> {
    const state = await this.deps.states.get(record.id);
    if (!state?.attached) return;
    await this.deps.network.detach(this.networkRequest(record, state.portMappings ?? []));
    await this.deps.states.put(record.id, { ...state, attached: false });
  }

  /** Ids of the containers in a pod. */
  async members(podId: string): Promise<string[]> {
    const views = await this.deps.containers.list({
      all: true,
      limit: undefined,
      size: false,
      filters: new Map([['label', [`io.berth.cri.sandbox-id=${podId}`]]]),
    });
    return views.map((v) => v.record.id);
  }

  async stop(ref: string): Promise<void> {
    const record = await this.record(ref);
    for (const id of await this.members(record.id))
      await this.deps.containers.stop(id, { timeoutSeconds: 0 }).catch((err: unknown) => {
        if (!isKind(err, 'NotFound')) throw err;
      });
    await this.detach(record);
    await this.deps.containers.stop(record.id, { timeoutSeconds: 0 });
  }

  async remove(ref: string): Promise<void> {
    let record: ContainerRecord;
    try {
      record = await this.record(ref);
    } catch (err) {
      if (isKind(err, 'NotFound')) return;
      throw err;
    }
    for (const id of await this.members(record.id))
      await this.deps.containers.remove(id, { force: true, volumes: true }).catch((err: unknown) => {
        if (!isKind(err, 'NotFound')) throw err;
      });
    await this.detach(record);
    await this.deps.containers.remove(record.id, { force: true, volumes: true }).catch((err: unknown) => {
      if (!isKind(err, 'NotFound')) throw err;
    });
    await this.deps.states.remove(record.id);
  }

  private async ready(record: ContainerRecord): Promise<boolean> {
    if (record.state.status !== 'running') return false;
    if (this.facts(record).hostNetwork) return true;
    return (await this.deps.states.get(record.id))?.attached ?? false;
  }

  async status(ref: string, verbose: boolean): Promise<{ status: PodSandboxStatus; info: Record<string, string> }> {
    const record = await this.record(ref);
    const labels = record.config.Labels ?? {};
    const facts = this.facts(record);
    const ns = jsonLabel<SandboxNamespaces>(labels, NAMESPACES, { network: 0, pid: 0, ipc: 0 });
    const ips = facts.hostNetwork ? [] : ((await this.deps.states.get(record.id))?.ips ?? []);
    const status = create(PodSandboxStatusSchema, {
      id: record.id,
      metadata: facts.meta,
      state: (await this.ready(record)) ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY,
      createdAt: nanoOf(record.created),
      network: { ip: ips[0] ?? '', additionalIps: ips.slice(1).map((ip) => ({ ip })) },
      linux: { namespaces: { options: { network: ns.network, pid: ns.pid, ipc: ns.ipc } } },
      labels: criLabels(labels),
      annotations: jsonLabel<Record<string, string>>(labels, ANNOTATIONS, {}),
      runtimeHandler: '',
    });
    const info: Record<string, string> = verbose
      ? {
          info: JSON.stringify({
            pid: record.state.pid,
            image: record.image,
            name: record.name,
            hostname: facts.shared.hostname,
          }),
        }
      : {};
    return { status, info };
  }

  async list(filter: PodSandboxFilter | undefined): Promise<PodSandbox[]> {
    const views = await this.deps.containers.list({
      all: true,
      limit: undefined,
      size: false,
      filters: new Map([['label', [`${KIND}=sandbox`]]]),
    });
    const out: PodSandbox[] = [];
    for (const { record } of views) {
      if (filter?.id && !record.id.startsWith(filter.id)) continue;
      const labels = criLabels(record.config.Labels);
      if (filter?.labelSelector && !matchesSelector(labels, filter.labelSelector)) continue;
      const state = (await this.ready(record)) ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY;
      if (filter?.state && filter.state.state !== state) continue;
      out.push(
        create(PodSandboxSchema, {
          id: record.id,
          metadata: this.facts(record).meta,
          state,
          createdAt: nanoOf(record.created),
          labels,
          annotations: jsonLabel<Record<string, string>>(record.config.Labels, ANNOTATIONS, {}),
          runtimeHandler: '',
        }),
      );
    }
    return out;
  }
}
