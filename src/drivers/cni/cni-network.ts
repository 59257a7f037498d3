// Pod networking through CNI plugins (Debian's containernetworking-plugins by default): the network list of the
// configuration directory run in order on ADD (each plugin given the previous one's result), in reverse on DEL;
// portMappings passed as runtimeConfig to plugins that declare that capability (portmap). CNI_ARGS carry the
// pod's name and namespace as containerd and CRI-O pass them (IgnoreUnknown=1: plugins ignore what they don't know).
import type { Logger } from '../../lib/logger.js';
import type { PodNetwork, PodNetworkRequest } from '../../core/networks/pod-network.js';
import { failedPrecondition } from '../../core/errdefs.js';
import { loadNetworkList, type CniNetworkList, type CniPluginConf } from './cni-config.js';
import { callPlugin, type CniCall } from './cni-plugin.js';

export interface CniConfig {
  confDir: string;
  binDirs: string[];
  ifName?: string;
}

function pluginConfig(
  list: CniNetworkList,
  plugin: CniPluginConf,
  request: PodNetworkRequest,
  prevResult: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const runtimeConfig: Record<string, unknown> = {};
  if (plugin.capabilities?.portMappings && request.portMappings.length > 0)
    runtimeConfig.portMappings = request.portMappings;
  const { capabilities: _capabilities, ...rest } = plugin;
  return {
    ...rest,
    cniVersion: list.cniVersion,
    name: list.name,
    ...(Object.keys(runtimeConfig).length ? { runtimeConfig } : {}),
    ...(prevResult ? { prevResult } : {}),
  };
}

/** Addresses of a CNI result (0.3.0 and later: ips[].address as CIDR; 0.2.0: ip4/ip6), IPv4 first. */
export function resultIps(result: Record<string, unknown>): string[] {
  const out: string[] = [];
  const ips = result.ips;
  if (Array.isArray(ips))
    for (const ip of ips as { address?: string }[]) if (ip.address) out.push(ip.address.split('/')[0] ?? '');
  for (const key of ['ip4', 'ip6']) {
    const v = result[key] as { ip?: string } | undefined;
    if (v?.ip) out.push(v.ip.split('/')[0] ?? '');
  }
  return out.filter(Boolean).sort((a, b) => Number(a.includes(':')) - Number(b.includes(':')));
}

export class CniNetwork implements PodNetwork {
  constructor(
    private readonly config: CniConfig,
    private readonly logger: Logger,
  ) {}

  async status(): Promise<{ ready: boolean; message: string }> {
    const { list, problem } = await loadNetworkList(this.config.confDir);
    return list ? { ready: true, message: '' } : { ready: false, message: `cni config uninitialized: ${problem}` };
  }

  private async list(): Promise<CniNetworkList> {
    const { list, problem } = await loadNetworkList(this.config.confDir);
    if (!list) throw failedPrecondition(`cni config uninitialized: ${problem}`);
    return list;
  }

  private call(
    request: PodNetworkRequest,
    command: CniCall['command'],
    config: Record<string, unknown>,
    signal?: AbortSignal,
  ): CniCall {
    return {
      command,
      containerId: request.id,
      netns: request.netnsPath,
      ifName: this.config.ifName ?? 'eth0',
      args: [
        ['IgnoreUnknown', '1'],
        ['K8S_POD_NAMESPACE', request.namespace],
        ['K8S_POD_NAME', request.name],
        ['K8S_POD_INFRA_CONTAINER_ID', request.id],
        ['K8S_POD_UID', request.uid],
      ],
      binDirs: this.config.binDirs,
      config,
      ...(signal ? { signal } : {}),
    };
  }

  async attach(request: PodNetworkRequest, options: { signal?: AbortSignal } = {}): Promise<{ ips: string[] }> {
    const list = await this.list();
    let prev: Record<string, unknown> | undefined;
    for (const plugin of list.plugins) {
      const conf = pluginConfig(list, plugin, request, prev);
      prev = await callPlugin(plugin.type, this.call(request, 'ADD', conf, options.signal));
    }
    const ips = resultIps(prev ?? {});
    this.logger.debug({ pod: request.id, ips, network: list.name }, 'pod network attached');
    return { ips };
  }

  async detach(request: PodNetworkRequest): Promise<void> {
    const list = await this.list().catch(() => undefined);
    if (!list) return;
    for (const plugin of [...list.plugins].reverse()) {
      const conf = pluginConfig(list, plugin, request, undefined);
      await callPlugin(plugin.type, this.call(request, 'DEL', conf));
    }
  }
}
