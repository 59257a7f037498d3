// Networks: the predefined bridge/host/none, user-defined bridge networks (create, list, inspect, remove,
// prune), connecting and disconnecting containers, the embedded DNS's name table, and the daemon-wide
// iptables rule set, rebuilt from the store whenever networks or published ports change.
import { generateId } from '../../lib/ids.js';
import { nowRfc3339Nano } from '../../lib/time.js';
import type { Logger } from '../../lib/logger.js';
import { conflict, forbidden, invalidArgument, isKind, notFound } from '../../core/errdefs.js';
import type { EventPublisher } from '../../core/events/event.js';
import type { ContainerStore } from '../../core/containers/container-store.js';
import { isRunningState } from '../../core/containers/container-record.js';
import { assertNoOverlap, chooseSubnet, planSubnet } from '../../core/networks/ipam.js';
import { parseCidr, parseCidrLoose, formatCidr, formatIPv4 } from '../../core/networks/ipv4.js';
import type { DnsServer, NetworkHost } from '../../core/networks/network-host.js';
import type { NetworkRecord, NetworkStore } from '../../core/networks/network-record.js';
import type { RuleNetwork, RulePort } from '../../core/networks/nat-rules.js';
import type { EndpointSettings } from '../../spec/docker/containers.js';
import { resolveContainer } from '../containers/resolve.js';
import type { NetworkCreateRequest, NetworksApi, NetworkServiceConfig, NetworkView } from './types.js';
import { networkFilter } from './network-filters.js';

export interface NetworkServiceDeps {
  store: NetworkStore;
  containers: ContainerStore;
  host: NetworkHost;
  dns: DnsServer;
  events: EventPublisher;
  logger: Logger;
  config: NetworkServiceConfig;
}

/** Hooks the container side registers, so connect/disconnect on a running container reach its namespace. */
export interface LiveAttach {
  connect(containerId: string, networkId: string): Promise<void>;
  disconnect(containerId: string, networkId: string): Promise<void>;
}

const PREDEFINED = new Set(['bridge', 'host', 'none']);

export class NetworkService implements NetworksApi {
  live: LiveAttach | undefined;

  constructor(private readonly deps: NetworkServiceDeps) {}

  get config(): NetworkServiceConfig {
    return this.deps.config;
  }

  private publish(n: NetworkRecord, action: string, extra: Record<string, string> = {}): void {
    this.deps.events.publish({ type: 'network', action, actor: { id: n.id, attributes: { name: n.name, type: n.driver, ...extra } } });
  }

  /** At daemon start: the predefined networks, every bridge up, DNS listeners. */
  async init(): Promise<void> {
    const { store } = this.deps;
    for (const [name, driver] of [['none', 'null'], ['host', 'host']] as const) {
      if (!store.findNetworkByName(name)) store.insertNetwork(this.newRecord({ name, driver }));
    }
    const existing = store.findNetworkByName('bridge');
    const wanted = this.config.defaultBridge;
    if (existing && (!wanted || existing.bridgeName !== wanted || (this.config.bip && `${existing.gateway}/${parseCidr(existing.subnet).prefix}` !== this.config.bip))) {
      for (const ep of store.endpointsOfNetwork(existing.id)) if (!ep.ip) store.deleteEndpoint(ep.networkId, ep.containerId);
      if (store.endpointsOfNetwork(existing.id).length === 0) {
        store.deleteNetwork(existing.id);
        if (existing.bridgeName !== wanted) await this.deps.host.removeBridge(existing.bridgeName);
      }
    }
    if (wanted && !store.findNetworkByName('bridge')) {
      let plan;
      if (this.config.bip) {
        const { ip, prefix } = parseCidrLoose(this.config.bip);
        plan = planSubnet(formatCidr({ base: parseCidr(this.config.bip).base, prefix }), formatIPv4(ip), undefined);
      } else {
        const used = [...(await this.deps.host.hostRoutes([])), ...this.bridgeNetworks().map((n) => n.subnet)].map(parseCidr);
        plan = planSubnet(formatCidr(chooseSubnet(this.config.pools, used)), undefined, undefined);
      }
      store.insertNetwork({
        ...this.newRecord({ name: 'bridge', driver: 'bridge' }),
        ...plan,
        bridgeName: wanted,
        isDefault: true,
        options: {
          'com.docker.network.bridge.default_bridge': 'true',
          'com.docker.network.bridge.enable_icc': 'true',
          'com.docker.network.bridge.enable_ip_masquerade': String(this.config.ipMasq),
          'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
          'com.docker.network.bridge.name': wanted,
          'com.docker.network.driver.mtu': String(this.config.mtu),
        },
      });
    }
    for (const n of this.bridgeNetworks()) await this.bringUp(n);
  }

  private async bringUp(n: NetworkRecord): Promise<void> {
    await this.deps.host.ensureBridge(n.bridgeName, `${n.gateway}/${parseCidr(n.subnet).prefix}`, this.config.mtu);
    if (!n.isDefault) await this.deps.dns.serve(n.id, n.gateway).catch((err: unknown) => this.deps.logger.warn({ err, network: n.name }, 'embedded DNS could not listen'));
  }

  private newRecord(p: { name: string; driver: NetworkRecord['driver'] }): NetworkRecord {
    return { id: generateId(), name: p.name, driver: p.driver, created: nowRfc3339Nano(), subnet: '', gateway: '', ipRange: '', userIpam: null, internal: false, attachable: false, labels: {}, options: {}, bridgeName: '', isDefault: false };
  }

  bridgeNetworks(): NetworkRecord[] {
    return this.deps.store.listNetworks().filter((n) => n.driver === 'bridge');
  }

  /** By full id, exact name, then unique id prefix, as Docker. */
  resolve(ref: string): NetworkRecord {
    const { store } = this.deps;
    const byId = store.getNetwork(ref);
    if (byId) return byId;
    const byName = store.findNetworkByName(ref);
    if (byName) return byName;
    const matches = store.listNetworks().filter((n) => n.id.startsWith(ref));
    if (matches.length === 1 && matches[0]) return matches[0];
    if (matches.length > 1) throw notFound(`network ${ref} is ambiguous (${matches.length} matches found on name)`);
    throw notFound(`network ${ref} not found`);
  }

  async create(req: NetworkCreateRequest): Promise<{ id: string; warning: string }> {
    const name = req.Name ?? '';
    if (!name) throw invalidArgument('network name must not be empty');
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) throw invalidArgument(`invalid network name "${name}"`);
    const driver = req.Driver || 'bridge';
    if (driver !== 'bridge') {
      if (driver === 'host' || driver === 'null') throw forbidden(`only one instance of "${driver}" network is allowed`);
      throw notFound(`plugin "${driver}" not found`);
    }
    if (this.deps.store.findNetworkByName(name)) throw conflict(`network with name ${name} already exists`);
    if (req.EnableIPv6) throw invalidArgument('IPv6 networks are not supported by berth yet');
    const configs = (req.IPAM?.Config ?? []).filter((c) => !c.Subnet?.includes(':'));
    if (configs.length > 1) throw invalidArgument('berth supports one IPv4 subnet per network');
    const want = configs[0];
    if (want && !want.Subnet && (want.Gateway || want.IPRange)) throw invalidArgument('cannot specify gateway or ip-range without subnet');
    const others = this.bridgeNetworks();
    // Every route counts, those on berth's bridges too: another daemon may share a bridge with its own subnet.
    const hostRoutes = (await this.deps.host.hostRoutes([])).map(parseCidr);
    let plan;
    if (want?.Subnet) {
      plan = planSubnet(want.Subnet, want.Gateway, want.IPRange);
      assertNoOverlap(plan.subnet, others, hostRoutes);
    } else {
      plan = planSubnet(formatCidr(chooseSubnet(this.config.pools, [...hostRoutes, ...others.map((n) => parseCidr(n.subnet))])), undefined, undefined);
    }
    const id = generateId();
    const options = req.Options ?? {};
    const record: NetworkRecord = {
      ...this.newRecord({ name, driver: 'bridge' }),
      id,
      ...plan,
      userIpam: want?.Subnet ? { Subnet: want.Subnet, ...(want.IPRange ? { IPRange: want.IPRange } : {}), ...(want.Gateway ? { Gateway: want.Gateway } : {}) } : null,
      internal: req.Internal ?? false,
      attachable: req.Attachable ?? false,
      labels: req.Labels ?? {},
      options,
      bridgeName: options['com.docker.network.bridge.name'] || `br-${id.slice(0, 12)}`,
    };
    if (record.bridgeName.length > 15) throw invalidArgument(`bridge name ${record.bridgeName} is longer than 15 characters`);
    this.deps.store.insertNetwork(record);
    try {
      await this.bringUp(record);
      await this.applyRules();
    } catch (err) {
      await this.teardownNetwork(record).catch(() => undefined);
      throw err;
    }
    this.publish(record, 'create');
    return { id, warning: '' };
  }

  private async teardownNetwork(n: NetworkRecord): Promise<void> {
    await this.deps.dns.stop(n.id);
    await this.deps.host.removeBridge(n.bridgeName);
    for (const ep of this.deps.store.endpointsOfNetwork(n.id)) this.deps.store.deleteEndpoint(n.id, ep.containerId);
    this.deps.store.deleteNetwork(n.id);
    await this.applyRules();
  }

  view(n: NetworkRecord): NetworkView {
    const containers = [];
    for (const endpoint of this.deps.store.endpointsOfNetwork(n.id)) {
      if (!endpoint.ip) continue;
      const c = this.deps.containers.get(endpoint.containerId);
      if (c) containers.push({ id: c.id, name: c.name, endpoint });
    }
    if (n.driver !== 'bridge') {
      for (const c of this.deps.containers.list()) {
        if (c.hostConfig.NetworkMode === n.name && isRunningState(c.state)) containers.push({ id: c.id, name: c.name, endpoint: { id: '', networkId: n.id, containerId: c.id, aliases: [], requestedIp: '', ip: '', mac: '', hostIfName: '' } });
      }
    }
    return { record: n, containers };
  }

  list(filters: Map<string, string[]>): NetworkView[] {
    const keep = networkFilter(filters, (n) => this.view(n).containers.length > 0);
    return this.deps.store.listNetworks().filter(keep).map((n) => this.view(n));
  }

  inspect(ref: string): NetworkView {
    return this.view(this.resolve(ref));
  }

  async remove(ref: string): Promise<void> {
    const n = this.resolve(ref);
    if (PREDEFINED.has(n.name) && (n.isDefault || n.driver !== 'bridge')) throw forbidden(`${n.name} is a pre-defined network and cannot be removed`);
    const active = this.deps.store.endpointsOfNetwork(n.id).filter((e) => e.ip);
    if (active.length > 0) throw forbidden(`error while removing network: network ${n.name} id ${n.id} has active endpoints`);
    await this.teardownNetwork(n);
    this.publish(n, 'destroy');
  }

  async prune(filters: Map<string, string[]>): Promise<string[]> {
    const keep = networkFilter(new Map([...filters].filter(([k]) => k === 'label' || k === 'label!' || k === 'until')), () => false);
    const deleted: string[] = [];
    for (const n of this.deps.store.listNetworks()) {
      if (PREDEFINED.has(n.name) || n.isDefault || !keep(n)) continue;
      try {
        await this.remove(n.id);
        deleted.push(n.name);
      } catch (err) {
        if (!isKind(err, 'Forbidden')) throw err;
      }
    }
    return deleted;
  }

  async connect(ref: string, containerRef: string, config: EndpointSettings | undefined): Promise<void> {
    const n = this.resolve(ref);
    const c = resolveContainer(this.deps.containers, containerRef);
    const mode = c.hostConfig.NetworkMode ?? '';
    if (mode === 'host' || mode === 'none' || mode.startsWith('container:') || n.driver !== 'bridge') {
      throw forbidden('container sharing network namespace with another container or host cannot be connected to any other network');
    }
    if (this.deps.store.endpointsOfContainer(c.id).some((e) => e.networkId === n.id)) throw forbidden(`endpoint with name ${c.name} already exists in network ${n.name}`);
    this.addEndpoint(n, c.id, config);
    if (isRunningState(c.state) && this.live) {
      try {
        await this.live.connect(c.id, n.id);
      } catch (err) {
        this.deps.store.deleteEndpoint(n.id, c.id);
        throw err;
      }
    }
    this.publish(n, 'connect', { container: c.id });
  }

  /** Records a container's endpoint on a network (validating aliases and --ip as Docker). */
  addEndpoint(n: NetworkRecord, containerId: string, config: EndpointSettings | undefined): void {
    const aliases = (config?.Aliases ?? []).filter((a) => a);
    const requestedIp = config?.IPAMConfig?.IPv4Address ?? '';
    if (n.isDefault && aliases.length > 0) throw invalidArgument('network-scoped alias is supported only for containers in user defined networks');
    if (requestedIp && n.isDefault) throw invalidArgument('user specified IP address is supported on user defined networks only');
    if (requestedIp && !n.userIpam) throw invalidArgument('user specified IP address is supported only when connecting to networks with user configured subnets');
    if (requestedIp && !parseCidr(n.subnet) /* parse check */) throw invalidArgument(`invalid IPv4 address: ${requestedIp}`);
    this.deps.store.upsertEndpoint({ id: generateId(), networkId: n.id, containerId, aliases, requestedIp, ip: '', mac: '', hostIfName: '' });
  }

  async disconnect(ref: string, containerRef: string, force: boolean): Promise<void> {
    const n = this.resolve(ref);
    let c;
    try {
      c = resolveContainer(this.deps.containers, containerRef);
    } catch (err) {
      if (!force) throw err;
      for (const ep of this.deps.store.endpointsOfNetwork(n.id)) if (ep.containerId.startsWith(containerRef)) this.deps.store.deleteEndpoint(n.id, ep.containerId);
      return;
    }
    const ep = this.deps.store.endpointsOfContainer(c.id).find((e) => e.networkId === n.id);
    if (!ep) throw forbidden(`container ${c.id} is not connected to network ${n.name}`);
    if (ep.ip && this.live) await this.live.disconnect(c.id, n.id);
    this.deps.store.deleteEndpoint(n.id, c.id);
    this.publish(n, 'disconnect', { container: c.id });
  }

  /** At a clean daemon stop with no container on a bridge: bridges and rules go (init brings them back). */
  async shutdown(): Promise<void> {
    if (this.deps.store.allEndpoints().some((e) => e.ip)) return;
    for (const n of this.bridgeNetworks()) await this.deps.host.removeBridge(n.bridgeName, `${n.gateway}/${parseCidr(n.subnet).prefix}`);
    await this.deps.host.applyRules([], []);
  }

  /** Container names, short ids and aliases on a user-defined network, for the embedded DNS. */
  lookup(networkId: string, name: string): string[] {
    const out: string[] = [];
    for (const ep of this.deps.store.endpointsOfNetwork(networkId)) {
      if (!ep.ip) continue;
      const c = this.deps.containers.get(ep.containerId);
      if (!c) continue;
      const names = [c.name, c.id.slice(0, 12), ...ep.aliases].map((x) => x.toLowerCase());
      if (names.includes(name)) out.push(ep.ip);
    }
    return out;
  }

  /** The whole rule set from the store: every bridge network and every running container's published ports. */
  async applyRules(): Promise<void> {
    const { store } = this.deps;
    const networks: RuleNetwork[] = this.bridgeNetworks().map((n) => ({ bridge: n.bridgeName, subnet: n.subnet, internal: n.internal, masquerade: n.options['com.docker.network.bridge.enable_ip_masquerade'] !== 'false' && this.config.ipMasq }));
    const ports: RulePort[] = [];
    for (const [containerId, mappings] of store.allPorts()) {
      const ep = store.endpointsOfContainer(containerId).find((e) => e.ip);
      if (ep) for (const mapping of mappings) ports.push({ containerIp: ep.ip, mapping });
    }
    await this.deps.host.applyRules(networks, ports);
  }
}
