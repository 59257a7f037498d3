// runtime.v1.RuntimeService: version and status, pod sandboxes (pod-sandboxes.ts) and their containers
// (pod-containers.ts). Methods left out here answer UNIMPLEMENTED, naming themselves
// ("runtime.v1.RuntimeService.Attach is not implemented"): Connect does that for any method a service
// implementation omits.
import type { ServiceImpl } from '@connectrpc/connect';
import type { CriDeps } from './cri-deps.js';
import type { RuntimeService } from './proto.js';
import { PodSandboxes } from './pod-sandboxes.js';
import { PodContainers } from './pod-containers.js';
import { PodStates } from './pod-states.js';
import { PodStats } from './pod-stats.js';
import type { CriStreams } from './streaming/cri-streams.js';
import { streamRequests } from './stream-requests.js';

/** The version of the kubelet's runtime API that this server speaks (containerd and CRI-O answer the same). */
export const KUBELET_API_VERSION = '0.1.0';
export const RUNTIME_NAME = 'berth';
export const RUNTIME_API_VERSION = 'v1';

export function runtimeService(deps: CriDeps, streams: CriStreams): Partial<ServiceImpl<typeof RuntimeService>> {
  const sandboxes = new PodSandboxes({
    containers: deps.containers,
    images: deps.images,
    network: deps.podNetwork,
    states: new PodStates(deps.podStateDir),
    catatonitPath: deps.catatonitPath,
    logger: deps.logger,
  });
  const containers = new PodContainers({ containers: deps.containers, execs: deps.execs, sandboxes });
  const stats = new PodStats({
    containers: deps.containers,
    extras: deps.extras,
    sandboxes,
    podContainers: containers,
    imageFsMountpoint: deps.imageFsMountpoint,
  });
  const streaming = streamRequests(containers, sandboxes, deps.loopbackDialer, streams);
  return {
    version() {
      return {
        version: KUBELET_API_VERSION,
        runtimeName: RUNTIME_NAME,
        runtimeVersion: deps.runtimeVersion,
        runtimeApiVersion: RUNTIME_API_VERSION,
      };
    },

    async status(req) {
      const network = await deps.podNetwork.status();
      const info: Record<string, string> = req.verbose
        ? {
            config: JSON.stringify({
              runtimeName: RUNTIME_NAME,
              runtimeVersion: deps.runtimeVersion,
              imageFsMountpoint: deps.imageFsMountpoint,
              podStateDir: deps.podStateDir,
              cni: deps.cni,
            }),
          }
        : {};
      return {
        status: {
          conditions: [
            { type: 'RuntimeReady', status: true, reason: '', message: '' },
            network.ready
              ? { type: 'NetworkReady', status: true, reason: '', message: '' }
              : { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: network.message },
          ],
        },
        info,
      };
    },

    async runPodSandbox(req) {
      if (!req.config) throw new Error('RunPodSandboxRequest.Config: must be set');
      return { podSandboxId: await sandboxes.run(req.config, req.runtimeHandler) };
    },
    async stopPodSandbox(req) {
      await sandboxes.stop(req.podSandboxId);
      return {};
    },
    async removePodSandbox(req) {
      await sandboxes.remove(req.podSandboxId);
      return {};
    },
    async podSandboxStatus(req) {
      return sandboxes.status(req.podSandboxId, req.verbose);
    },
    async listPodSandbox(req) {
      return { items: await sandboxes.list(req.filter) };
    },

    async createContainer(req) {
      if (!req.config) throw new Error('CreateContainerRequest.Config: must be set');
      return { containerId: await containers.create(req.podSandboxId, req.config) };
    },
    async startContainer(req) {
      await containers.start(req.containerId);
      return {};
    },
    async stopContainer(req) {
      await containers.stop(req.containerId, Number(req.timeout));
      return {};
    },
    async removeContainer(req) {
      await containers.remove(req.containerId);
      return {};
    },
    async containerStatus(req) {
      return containers.status(req.containerId, req.verbose);
    },
    async listContainers(req) {
      return { containers: await containers.list(req.filter) };
    },
    async execSync(req, ctx) {
      return containers.execSync(req.containerId, req.cmd, Number(req.timeout), ctx.signal);
    },
    async exec(req) {
      return { url: await streaming.exec(req) };
    },
    async attach(req) {
      return { url: await streaming.attach(req) };
    },
    async portForward(req) {
      return { url: await streaming.portForward(req) };
    },
    async reopenContainerLog(req) {
      await containers.reopenLog(req.containerId);
      return {};
    },
    async updateContainerResources(req) {
      await stats.update(req.containerId, req.linux);
      return {};
    },

    async containerStats(req) {
      return { stats: await stats.container(req.containerId) };
    },
    async listContainerStats(req) {
      return { stats: await stats.listContainers(req.filter) };
    },
    async podSandboxStats(req) {
      return { stats: await stats.pod(req.podSandboxId) };
    },
    async listPodSandboxStats(req) {
      return { stats: await stats.listPods(req.filter) };
    },
  };
}
