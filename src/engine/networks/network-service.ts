// Networks: the predefined bridge/host/none, user-defined bridge networks (create, list, inspect, remove,
// prune), connecting and disconnecting containers. Beside it: network-records.ts (lookups, options, the rule set),
// endpoint-plan.ts (an endpoint's checks), dns-names.ts (the embedded DNS's names), and the container side
// (container-attach.ts), which reaches running containers through the `LiveAttach` port it is given.
import { generateId } from '../../lib/ids.js';
import { nowRfc3339Nano } from '../../lib/time.js';
import type { Logger } from '../../lib/logger.js';
import { conflict, forbidden, invalidArgument, isKind, notFound } from '../../core/errdefs.js';
import type { EventPublisher } from '../../core/events/event.js';
import type { ContainerStore } from '../../core/containers/container-store.js';
import { isRunningState } from '../../core/containers/container-record.js';
import {
  assertNoOverlap,
  checkAuxAddresses,
  chooseSubnet,
  chooseSubnet6,
  planSubnet,
  planSubnet6,
} from '../../core/networks/ipam.js';
import { parseBridgeOptions } from '../../core/networks/bridge-options.js';
import { cidrs6Overlap, formatCidr6, looksIPv6, parseCidr6 } from '../../core/networks/ipv6.js';
import { parseCidr, parseCidrLoose, formatCidr, formatIPv4 } from '../../core/networks/ipv4.js';
import type { DnsServer, NetworkHost } from '../../core/networks/network-host.js';
import type { NetworkRecord, NetworkStore, NetworkV6 } from '../../core/networks/network-record.js';
import type { EndpointSettings } from '../../spec/docker/containers.js';
import { resolveContainer } from '../containers/resolve.js';
import type {
  IpamConfig,
  NetworkCreateRequest,
  NetworkPausePoint,
  NetworksApi,
  NetworkServiceConfig,
  NetworkView,
} from './types.js';
import { networkFilter, networkPruneFilter } from './network-filters.js';
import type { NetworkRecords } from './network-records.js';
import { addEndpoint } from './endpoint-plan.js';
import { holdsModeEndpoint, modeEndpointId } from './endpoint-settings.js';

export interface NetworkServiceDeps {
  store: NetworkStore;
  containers: ContainerStore;
  host: NetworkHost;
  dns: DnsServer;
  events: EventPublisher;
  logger: Logger;
  config: NetworkServiceConfig;
  records: NetworkRecords;
  /** The container side, so connect/disconnect on a running container reach its namespace. */
  live: LiveAttach;
  pausePoint?: (point: NetworkPausePoint) => Promise<void>;
}

/** What the container side does for a running container when it is connected, disconnected or unlinked. */
export interface LiveAttach {
  connect(containerId: string, networkId: string): Promise<void>;
  disconnect(containerId: string, networkId: string): Promise<void>;
  removeLink(parentRef: string, alias: string): Promise<void>;
}

const PREDEFINED = new Set(['bridge', 'host', 'none']);

export class NetworkService implements NetworksApi {
  constructor(private readonly deps: NetworkServiceDeps) {}

  get config(): NetworkServiceConfig {
    return this.deps.config;
  }

  private publish(n: NetworkRecord, action: string, extra: Record<string, string> = {}): void {
    this.deps.events.publish({
      type: 'network',
      action,
      actor: { id: n.id, attributes: { name: n.name, type: n.driver, ...extra } },
    });
  }

  /** At daemon start: the predefined networks, every bridge up, DNS listeners. */
  async init(): Promise<void> {
    const { store } = this.deps;
    for (const [name, driver] of [
      ['none', 'null'],
      ['host', 'host'],
    ] as const) {
      if (!store.findNetworkByName(name)) store.insertNetwork(this.newRecord({ name, driver }));
    }
    const existing = store.findNetworkByName('bridge');
    const wanted = this.config.defaultBridge;
    if (
      existing &&
      (!wanted ||
        existing.bridgeName !== wanted ||
        (this.config.bip && `${existing.gateway}/${parseCidr(existing.subnet).prefix}` !== this.config.bip))
    ) {
      for (const ep of store.endpointsOfNetwork(existing.id))
        if (!ep.ip) store.deleteEndpoint(ep.networkId, ep.containerId);
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
        const used = [
          ...(await this.deps.host.hostRoutes([])),
          ...this.deps.records.bridgeNetworks().map((n) => n.subnet),
        ].map(parseCidr);
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
    for (const n of this.deps.records.bridgeNetworks()) await this.bringUp(n);
  }

  private async bringUp(n: NetworkRecord): Promise<void> {
    const v6 = this.deps.records.v6Of(n);
    await this.deps.host.ensureBridge(
      n.bridgeName,
      `${n.gateway}/${parseCidr(n.subnet).prefix}`,
      this.deps.records.mtuOf(n),
      v6 ? `${v6.gateway}/${parseCidr6(v6.subnet).prefix}` : undefined,
    );
    if (!n.isDefault)
      await this.deps.dns
        .serve(n.id, n.gateway)
        .catch((err: unknown) => this.deps.logger.warn({ err, network: n.name }, 'embedded DNS could not listen'));
  }

  private newRecord(p: { name: string; driver: NetworkRecord['driver'] }): NetworkRecord {
    return {
      id: generateId(),
      name: p.name,
      driver: p.driver,
      created: nowRfc3339Nano(),
      subnet: '',
      gateway: '',
      ipRange: '',
      userIpam: null,
      internal: false,
      attachable: false,
      labels: {},
      options: {},
      bridgeName: '',
      isDefault: false,
    };
  }

  async create(req: NetworkCreateRequest): Promise<{ id: string; warning: string }> {
    const name = req.Name ?? '';
    // Docker takes any name but a blank one (spaces, slashes and unicode included).
    if (typeof name !== 'string' || !name.trim()) throw invalidArgument(`invalid name: ${String(name)}`);
    const driver = req.Driver || 'bridge';
    if (driver !== 'bridge') {
      if (driver === 'host' || driver === 'null')
        throw forbidden(`only one instance of "${driver}" network is allowed`);
      throw notFound(`plugin "${driver}" not found`);
    }
    const ipamDriver = req.IPAM?.Driver || 'default';
    if (ipamDriver !== 'default') throw notFound(`plugin "${ipamDriver}" not found`);
    const sameName = this.deps.store.networksByName(name);
    const predefined = sameName.find((n) => PREDEFINED.has(n.name) && (n.isDefault || n.driver !== 'bridge'));
    if (predefined) throw forbidden(`operation is not permitted on predefined ${name} network `);
    const checkDuplicate = req.CheckDuplicate === true;
    if (checkDuplicate && sameName[0]) throw conflict(`network with name ${name} already exists`);
    // Docker before API 1.44 creates a second network of the name when asked not to check, and warns.
    const warning = sameName[0] ? `Network with name ${name} (id : ${sameName[0].id}) already exists` : '';
    const options = req.Options ?? {};
    const bridgeOptions = parseBridgeOptions(options);
    const id = generateId();
    const bridgeName = bridgeOptions.bridgeName ?? `br-${id.slice(0, 12)}`;
    const sameBridge = this.deps.records.bridgeNetworks().find((n) => n.bridgeName === bridgeName);
    if (sameBridge)
      throw forbidden(
        `cannot create network ${id} (${bridgeName}): conflicts with network ${sameBridge.id} (${bridgeName}): networks have same bridge name`,
      );
    const configs = req.IPAM?.Config ?? [];
    const v4Configs = configs.filter((c) => !looksIPv6(c.Subnet ?? '') && !looksIPv6(c.Gateway ?? ''));
    const v6Configs = configs.filter((c) => !v4Configs.includes(c));
    if (v4Configs.length > 1 || v6Configs.length > 1) throw forbidden("bridge driver doesn't support multiple subnets");
    const want = v4Configs[0];
    if (want && !want.Subnet && (want.Gateway || want.IPRange))
      throw invalidArgument('cannot specify gateway or ip-range without subnet');
    if (want && !want.Subnet && Object.keys(want.AuxiliaryAddresses ?? {}).length > 0)
      throw invalidArgument('cannot specify auxiliary addresses without subnet');
    const others = this.deps.records.bridgeNetworks();
    // Every route counts, those on berth's bridges too: another daemon may share a bridge with its own subnet.
    const hostRoutes = (await this.deps.host.hostRoutes([])).map(parseCidr);
    let plan;
    if (want?.Subnet) {
      plan = planSubnet(want.Subnet, want.Gateway, want.IPRange);
      assertNoOverlap(plan.subnet, others, hostRoutes);
    } else {
      plan = planSubnet(
        formatCidr(chooseSubnet(this.config.pools, [...hostRoutes, ...others.map((n) => parseCidr(n.subnet))])),
        undefined,
        undefined,
      );
    }
    const aux =
      want?.AuxiliaryAddresses && Object.keys(want.AuxiliaryAddresses).length > 0
        ? checkAuxAddresses(want.AuxiliaryAddresses, plan.subnet, name)
        : undefined;
    const v6 = await this.planV6(name, req.EnableIPv6 === true, v6Configs[0], others);
    const record: NetworkRecord = {
      ...this.newRecord({ name, driver: 'bridge' }),
      id,
      ...plan,
      userIpam: want?.Subnet
        ? {
            Subnet: want.Subnet,
            ...(want.IPRange ? { IPRange: want.IPRange } : {}),
            ...(want.Gateway ? { Gateway: want.Gateway } : {}),
          }
        : null,
      ...(aux ? { auxAddresses: aux } : {}),
      ipamOptions: req.IPAM?.Options ?? null,
      internal: req.Internal ?? false,
      attachable: req.Attachable ?? false,
      labels: req.Labels ?? {},
      options,
      bridgeName,
      enableIPv6: req.EnableIPv6 === true,
      v6,
    };
    this.deps.store.insertNetwork(record, { uniqueName: checkDuplicate });
    try {
      await this.bringUp(record);
      await this.deps.records.applyRules();
    } catch (err) {
      await this.teardownNetwork(record).catch(() => undefined);
      throw err;
    }
    this.publish(record, 'create');
    return { id, warning };
  }

  /** The IPv6 side: the user's subnet (kept even without EnableIPv6, as Docker shows it), else with EnableIPv6 a /64 of the daemon's ULA pool. */
  private async planV6(
    name: string,
    enabled: boolean,
    want: IpamConfig | undefined,
    others: NetworkRecord[],
  ): Promise<NetworkV6 | null> {
    if (!want?.Subnet && (want?.Gateway || want?.IPRange))
      throw invalidArgument('cannot specify gateway or ip-range without subnet');
    const used = [...(await this.deps.host.hostRoutes6()), ...others.flatMap((n) => (n.v6 ? [n.v6.subnet] : []))].map(
      parseCidr6,
    );
    if (want?.Subnet) {
      const plan = planSubnet6(want.Subnet, want.Gateway, want.IPRange);
      const s = parseCidr6(plan.subnet);
      if (used.some((u) => u.prefix > 0 && cidrs6Overlap(u, s)))
        throw forbidden('Pool overlaps with other one on this address space');
      const aux =
        want.AuxiliaryAddresses && Object.keys(want.AuxiliaryAddresses).length > 0
          ? checkAuxAddresses(want.AuxiliaryAddresses, plan.subnet, name)
          : undefined;
      return {
        ...plan,
        userIpam: {
          Subnet: want.Subnet,
          ...(want.IPRange ? { IPRange: want.IPRange } : {}),
          ...(want.Gateway ? { Gateway: want.Gateway } : {}),
        },
        ...(aux ? { auxAddresses: aux } : {}),
      };
    }
    if (!enabled) return null;
    return {
      ...planSubnet6(formatCidr6(chooseSubnet6(this.config.ipv6Pool, used)), undefined, undefined),
      userIpam: null,
    };
  }

  /** The network's DNS and bridge go, then its record and endpoints in one transaction: a crash midway leaves the
   * record, and the next start brings its bridge back up. */
  private async teardownNetwork(n: NetworkRecord): Promise<void> {
    await this.deps.dns.stop(n.id);
    await this.deps.host.removeBridge(n.bridgeName);
    await this.deps.pausePoint?.('network-remove-bridge-gone');
    this.deps.store.deleteNetwork(n.id);
    await this.deps.records.applyRules();
  }

  view(n: NetworkRecord): NetworkView {
    const containers = [];
    for (const endpoint of this.deps.store.endpointsOfNetwork(n.id)) {
      if (!endpoint.ip) continue;
      const c = this.deps.containers.get(endpoint.containerId);
      if (c) containers.push({ id: c.id, name: c.name, endpoint });
    }
    // host and none keep no endpoint records: a running container is listed with the EndpointID its own inspect
    // shows (Docker lists the endpoint it made at the start), so the two views agree.
    if (n.driver !== 'bridge') {
      for (const c of this.deps.containers.list()) {
        if (c.hostConfig.NetworkMode === n.name && holdsModeEndpoint(c))
          containers.push({
            id: c.id,
            name: c.name,
            endpoint: {
              id: modeEndpointId(c, n.id),
              networkId: n.id,
              containerId: c.id,
              aliases: [],
              requestedIp: '',
              ip: '',
              mac: '',
              hostIfName: '',
            },
          });
      }
    }
    return { record: n, containers };
  }

  list(filters: Map<string, string[]>): NetworkView[] {
    const keep = networkFilter(filters, (n) => this.view(n).containers.length > 0);
    return this.deps.store
      .listNetworks()
      .filter(keep)
      .map((n) => this.view(n));
  }

  inspect(ref: string): NetworkView {
    return this.view(this.deps.records.resolve(ref, 'inspect'));
  }

  async remove(ref: string): Promise<void> {
    const n = this.deps.records.resolve(ref, 'remove');
    // A second removal waits for the one under way (Docker's network lock orders them) and answers as after it.
    const underWay = this.deps.records.removalOf(n.id);
    if (underWay) {
      await this.deps.pausePoint?.('network-remove-waits');
      if (await underWay) throw notFound(`network ${ref} not found`);
      return this.remove(ref);
    }
    if (PREDEFINED.has(n.name) && (n.isDefault || n.driver !== 'bridge'))
      throw forbidden(`${n.name} is a pre-defined network and cannot be removed`);
    const active = this.deps.store.endpointsOfNetwork(n.id).filter((e) => e.ip);
    if (active.length > 0)
      throw forbidden(`error while removing network: network ${n.name} id ${n.id} has active endpoints`);
    // Marked in this turn, the turn of the check: from here no endpoint is added to it or joined.
    await this.deps.records.removing(n.id, async () => {
      await this.deps.pausePoint?.('network-remove-checked');
      try {
        await this.teardownNetwork(n);
      } catch (err) {
        // Still stored: its bridge and DNS come back so that it stays usable.
        await this.bringUp(n).catch(() => undefined);
        throw err;
      }
    });
    this.publish(n, 'destroy');
  }

  async prune(filters: Map<string, string[]>): Promise<string[]> {
    const keep = networkPruneFilter(filters);
    const deleted: string[] = [];
    for (const n of this.deps.store.listNetworks()) {
      if (PREDEFINED.has(n.name) || n.isDefault || !keep(n)) continue;
      try {
        await this.remove(n.id);
        deleted.push(n.name);
      } catch (err) {
        // In use, or removed by another request meanwhile: Docker's prune goes on with the others too.
        if (!isKind(err, 'Forbidden') && !isKind(err, 'NotFound')) throw err;
      }
    }
    return deleted;
  }

  async connect(ref: string, containerRef: string, config: EndpointSettings | undefined): Promise<void> {
    const n = this.deps.records.resolve(ref);
    const c = resolveContainer(this.deps.containers, containerRef);
    const mode = c.hostConfig.NetworkMode ?? '';
    if (mode === 'host' || mode === 'none' || mode.startsWith('container:') || n.driver !== 'bridge') {
      throw forbidden(
        'container sharing network namespace with another container or host cannot be connected to any other network',
      );
    }
    if (this.deps.store.endpointsOfContainer(c.id).some((e) => e.networkId === n.id))
      throw forbidden(`endpoint with name ${c.name} already exists in network ${n.name}`);
    this.deps.records.refuseIfRemoving(n, ref);
    addEndpoint(this.deps, n, c.id, config, 'connected');
    // Docker reports a connect when the endpoint joins: now for a running container, at its next start otherwise.
    if (isRunningState(c.state)) {
      try {
        await this.deps.live.connect(c.id, n.id);
      } catch (err) {
        this.deps.store.deleteEndpoint(n.id, c.id);
        throw err;
      }
      this.publish(n, 'connect', { container: c.id });
    }
  }

  /** DELETE /containers/{id}/{alias}?link=1. */
  async removeLink(parentRef: string, alias: string): Promise<void> {
    await this.deps.live.removeLink(parentRef, alias);
  }

  async disconnect(ref: string, containerRef: string, force: boolean): Promise<void> {
    const n = this.deps.records.resolve(ref);
    let c;
    try {
      c = resolveContainer(this.deps.containers, containerRef);
    } catch (err) {
      if (!force) throw err;
      for (const ep of this.deps.store.endpointsOfNetwork(n.id))
        if (ep.containerId.startsWith(containerRef)) this.deps.store.deleteEndpoint(n.id, ep.containerId);
      return;
    }
    const ep = this.deps.store.endpointsOfContainer(c.id).find((e) => e.networkId === n.id);
    if (!ep) throw forbidden(`container ${c.id} is not connected to network ${n.name}`);
    if (ep.ip) await this.deps.live.disconnect(c.id, n.id);
    this.deps.store.deleteEndpoint(n.id, c.id);
    this.publish(n, 'disconnect', { container: c.id });
  }

  /** At a clean daemon stop with no container on a bridge: bridges and rules go (init brings them back). */
  async shutdown(): Promise<void> {
    if (this.deps.store.allEndpoints().some((e) => e.ip)) return;
    for (const n of this.deps.records.bridgeNetworks())
      await this.deps.host.removeBridge(n.bridgeName, `${n.gateway}/${parseCidr(n.subnet).prefix}`);
    await this.deps.host.applyRules([], []);
  }
}
