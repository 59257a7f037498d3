// Containers on networks: the endpoints a create asks for, and at each start a network namespace with one
// veth per network (address, default route via the first), published ports as DNAT rules, and the /etc
// files that name the container's address and berth's DNS; undone after each exit.
// What is serialised, and how: one container's namespace and interfaces by a lock per container; addresses are
// allocated and recorded in one synchronous step (no await between reading the addresses in use and storing the
// new one), so two starts never get the same address; host ports by a lock of their own (their check binds the
// port, an await); the iptables rule set by NetworkRecords (one apply at a time, concurrent asks share the next).
// Namespaces, veths, addresses, routes and /etc files of different containers are made side by side.
import type { Logger } from '../../lib/logger.js';
import type { EventPublisher } from '../../core/events/event.js';
import { KeyedMutex } from '../../lib/keyed-mutex.js';
import { phase } from '../../lib/phases.js';
import { conflict, forbidden, internal, invalidArgument, isKind, notFound } from '../../core/errdefs.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { ContainerFiles } from '../../core/containers/container-files.js';
import type { ContainerStore } from '../../core/containers/container-store.js';
import { isRunningState } from '../../core/containers/container-record.js';
import { hostsFile, resolvConf } from '../../core/containers/etc-files.js';
import type { ContainerNetworking, EndpointsConfig } from '../../core/networks/container-networking.js';
import { allocateAddress, allocateAddress6, macFor } from '../../core/networks/ipam.js';
import { gatewayEndpoint } from '../../core/networks/gateway-endpoint.js';
import { parseCidr } from '../../core/networks/ipv4.js';
import { parseCidr6 } from '../../core/networks/ipv6.js';
import { canonicalLink, linkEnv, linkHostNames, parseLink } from '../../core/networks/legacy-links.js';
import type { NetworkHost } from '../../core/networks/network-host.js';
import type { EndpointRecord, NetworkRecord, NetworkStore, PortMapping } from '../../core/networks/network-record.js';
import { portRequests, portsView, portSummary, validatePortBindings } from '../../core/networks/port-specs.js';
import type { EndpointSettings, HostConfig, NetworkSettings, Port } from '../../spec/docker/containers.js';
import { resolveContainer } from '../containers/resolve.js';
import type { LiveAttach } from './network-service.js';
import type { NetworkRecords } from './network-records.js';
import type { NetworkPausePoint } from './types.js';
import { addEndpoint, planEndpoint } from './endpoint-plan.js';
import { containerNetworkSettings, modeSandboxKey } from './endpoint-settings.js';
import { snapshotLookup, storeLookup, type NetworkLookup } from './network-lookup.js';

export interface ContainerAttachDeps {
  networks: NetworkRecords;
  store: NetworkStore;
  containers: ContainerStore;
  host: NetworkHost;
  files: ContainerFiles;
  logger: Logger;
  /** `network connect` / `network disconnect` as a container's endpoints are joined and left (Docker's events). */
  events: EventPublisher;
  pausePoint?: (point: NetworkPausePoint) => Promise<void>;
}

/** Key of the host-port allocation lock (container ids are 64 hex digits, so never this). */
const PORTS = 'host-ports';
const overlaps = (a: PortMapping, b: PortMapping): boolean =>
  a.proto === b.proto && a.hostPort === b.hostPort && (!a.hostIp || !b.hostIp || a.hostIp === b.hostIp);

export class ContainerAttach implements ContainerNetworking {
  private readonly lock = new KeyedMutex();
  /** While the start-up cleanup runs, nothing else attaches or detaches. */
  private restoring: Promise<void> = Promise.resolve();
  /** Running containers whose network namespace is berth's: it stays when their last network is disconnected,
   * so they can be connected again (Docker keeps the sandbox likewise). */
  private readonly sandboxes = new Set<string>();
  /** Per sandbox, the next interface number of each prefix: Docker's counter, so a name is not used twice while the
   * sandbox lives (a reconnect after a disconnect gets a new one). */
  private readonly nextIfIndex = new Map<string, Map<string, number>>();
  /** Per container, the networks its last tear-down left, whose `disconnect` events wait for its `die` (Docker's
   * order: die, then the disconnects of its clean-up, then stop or destroy). */
  private readonly leftNetworks = new Map<string, NetworkRecord[]>();

  constructor(private readonly deps: ContainerAttachDeps) {}

  /** For the network service (wired by the daemon): connect, disconnect and unlink reach running containers. */
  readonly live: LiveAttach = {
    connect: (cid, nid) => this.forContainer(cid, () => this.connectLive(cid, nid)),
    disconnect: (cid, nid) => this.forContainer(cid, () => this.disconnectLive(cid, nid)),
    removeLink: (parent, alias) => this.removeLink(parent, alias),
  };

  /** Work on one container's namespace and interfaces: one at a time per container, after any start-up cleanup. */
  private async forContainer<T>(containerId: string, work: () => Promise<T>): Promise<T> {
    await this.restoring;
    return this.lock.run(containerId, work);
  }

  /** The network a mode names: a user network, or the default bridge (undefined with --bridge=none). */
  private modeNetwork(mode: string): NetworkRecord | undefined {
    if (mode === 'bridge' || mode === 'default') return this.deps.store.findNetworkByName('bridge');
    if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) return undefined;
    return this.deps.networks.resolve(mode);
  }

  checkCreate(hc: HostConfig, endpoints: EndpointsConfig): string {
    const raw = hc.NetworkMode || 'default';
    const mode = raw === 'default' ? 'bridge' : raw;
    const links = (hc.Links ?? []).filter((l) => l);
    if (mode.startsWith('container:')) {
      const other = resolveContainer(this.deps.containers, mode.slice('container:'.length));
      if (hc.PortBindings && Object.keys(hc.PortBindings).length > 0)
        throw invalidArgument('conflicting options: port publishing and the container type network mode');
      if (links.length > 0)
        throw invalidArgument(
          "conflicting options: container type network can't be used with links. This would result in undefined behavior",
        );
      return `container:${other.id}`;
    }
    if (mode === 'host' && links.length > 0)
      throw invalidArgument(
        "conflicting options: host type networking can't be used with links. This would result in undefined behavior",
      );
    const n = mode === 'host' || mode === 'none' ? undefined : this.modeNetwork(mode);
    // On a user network a link is a DNS alias resolved when asked, so the container may come later (as Docker).
    for (const l of links) {
      const { name } = parseLink(l);
      if (!n || n.isDefault || n.driver !== 'bridge') this.linkedContainer(name);
    }
    if (mode === 'host' || mode === 'none') return mode;
    validatePortBindings(hc.PortBindings);
    if (!n) return mode;
    if (n.driver !== 'bridge') return n.name;
    planEndpoint(n, endpoints?.[raw] ?? endpoints?.[n.name] ?? endpoints?.[n.id]);
    for (const [key, cfg] of Object.entries(endpoints ?? {})) {
      if (key === raw || key === 'default') continue;
      const other = this.modeNetwork(key);
      if (other?.driver === 'bridge' && other.id !== n.id) planEndpoint(other, cfg);
    }
    return mode;
  }

  /** A container a link names, or Docker's 400. */
  private linkedContainer(name: string): ContainerRecord {
    try {
      return resolveContainer(this.deps.containers, name);
    } catch (err) {
      throw invalidArgument(`could not get container for ${name}: ${(err as Error).message}`, err);
    }
  }

  resolveExtraHosts(entries: string[]): string[] {
    const gateway = this.deps.networks.config.hostGatewayIp ?? this.deps.store.findNetworkByName('bridge')?.gateway;
    return entries.map((e) => {
      if (!/[:=]host-gateway$/.test(e)) return e;
      if (!gateway) throw invalidArgument(`invalid IP address in add-host: "host-gateway"`);
      return e.replace(/host-gateway$/, gateway);
    });
  }

  recordCreate(record: ContainerRecord, endpoints: EndpointsConfig): void {
    // Config.NetworkDisabled: no endpoint, so the container gets a namespace with loopback only (as Docker).
    if (record.config.NetworkDisabled) return;
    const mode = record.hostConfig.NetworkMode ?? 'bridge';
    const primary = this.modeNetwork(mode);
    const planned: [NetworkRecord, EndpointSettings | undefined, { mac?: string }][] = [];
    const links = (record.hostConfig.Links ?? []).filter((l) => l).map(parseLink);
    if (primary?.driver === 'bridge') {
      const cfg = endpoints?.[mode] ?? endpoints?.[primary.name] ?? endpoints?.[primary.id] ?? endpoints?.default;
      // --link on a user network is a DNS alias for this container (EndpointSettings.Links), as Docker.
      const withLinks =
        !primary.isDefault && links.length > 0
          ? { ...cfg, Links: [...new Set([...(cfg?.Links ?? []), ...links.map((l) => `${l.name}:${l.alias}`)])] }
          : cfg;
      planned.push([primary, withLinks, record.config.MacAddress ? { mac: record.config.MacAddress } : {}]);
    }
    for (const [key, cfg] of Object.entries(endpoints ?? {})) {
      if (key === mode || key === 'default' || !primary) continue;
      const n = this.modeNetwork(key);
      if (n && n.id !== primary.id && n.driver === 'bridge') planned.push([n, cfg, {}]);
    }
    // Every endpoint is checked before any is stored (a network being removed is gone already, as Docker answers).
    for (const [n, cfg, extra] of planned) {
      planEndpoint(n, cfg, extra);
      this.deps.networks.refuseIfRemoving(n);
    }
    for (const [n, cfg, extra] of planned) addEndpoint(this.deps, n, record.id, cfg, 'created', extra);
    if (links.length > 0) {
      const onUserNetwork = primary !== undefined && !primary.isDefault;
      record.hostConfig.Links = onUserNetwork
        ? null
        : links.map((l) => canonicalLink(this.linkedContainer(l.name).name, record.name, l.alias));
      this.deps.containers.update(record);
    }
  }

  /** DELETE /containers/{id}/{alias}?link=1: the link goes from HostConfig.Links and the running container's /etc/hosts. */
  async removeLink(parentRef: string, alias: string): Promise<void> {
    const parent = resolveContainer(this.deps.containers, parentRef);
    const links = parent.hostConfig.Links ?? [];
    const kept = links.filter((l) => parseLink(l).alias !== alias);
    if (kept.length === links.length) throw notFound(`No such container: ${parentRef}/${alias}`);
    parent.hostConfig.Links = kept.length > 0 ? kept : null;
    this.deps.containers.update(parent);
    if (isRunningState(parent.state) && this.deps.store.endpointsOfContainer(parent.id).some((e) => e.ip))
      await this.deps.files.rewriteHosts(parent.id, (await this.etcFiles(parent)).hosts);
  }

  /** Legacy links of a starting container: each linked container must run; its default-bridge address, env and names. */
  private linkedChildren(
    c: ContainerRecord,
    strict = true,
  ): { alias: string; child: ContainerRecord; ip: string; ip6: string }[] {
    const bridge = this.deps.store.findNetworkByName('bridge');
    const out = [];
    for (const text of c.hostConfig.Links ?? []) {
      const { name, alias } = parseLink(text);
      const child = strict ? this.linkedContainer(name) : this.deps.containers.findByName(name);
      if (!child) continue;
      if (!isRunningState(child.state)) {
        if (strict) throw conflict(`Cannot link to a non running container: /${child.name} AS /${c.name}/${alias}`);
        continue;
      }
      const ep = bridge
        ? this.deps.store.endpointsOfContainer(child.id).find((e) => e.networkId === bridge.id)
        : undefined;
      out.push({ alias, child, ip: ep?.ip ?? '', ip6: ep?.ip6 ?? '' });
    }
    return out;
  }

  async setUp(c: ContainerRecord): Promise<{ netnsPath?: string; extraEnv?: string[] }> {
    const mode = c.hostConfig.NetworkMode ?? '';
    if (mode.startsWith('container:')) return { netnsPath: this.sharedNetns(mode.slice('container:'.length)) };
    // A user network the mode names must still exist: Docker's start fails with its 404 once it was removed
    // (a removal takes the network's endpoints with it, so nothing else would notice).
    if (mode && !['bridge', 'default', 'host', 'none'].includes(mode)) this.deps.networks.resolve(mode);
    const endpoints = this.deps.store.endpointsOfContainer(c.id);
    // A child without a default-bridge address (a daemon without the bridge) still gives ALIAS_NAME and its
    // ALIAS_ENV_* variables, as Docker's engine does there; only the address variables need the address.
    const variables = this.linkedChildren(c).flatMap((l) =>
      linkEnv({
        alias: l.alias,
        parentName: c.name,
        childIp: l.ip,
        childEnv: l.child.config.Env ?? [],
        exposed: l.ip ? Object.keys(l.child.config.ExposedPorts ?? {}) : [],
      }),
    );
    const env = variables.length > 0 ? { extraEnv: variables } : {};
    if (endpoints.length === 0 && !this.connectableWithoutEndpoints(c)) return env;
    return this.forContainer(c.id, async () => {
      try {
        const netnsPath = await this.deps.host.createNetns(c.id);
        phase('network-netns');
        this.sandboxes.add(c.id);
        this.nextIfIndex.delete(c.id);
        this.leftNetworks.delete(c.id);
        const gateway = this.gatewayOf(endpoints);
        for (const ep of endpoints) {
          await this.plug(c, ep, netnsPath, ep.networkId === gateway?.networkId);
          // Docker's `network connect` of each network joined at a start, before the container's `start`.
          this.publish('connect', ep.networkId, c.id);
        }
        phase('network-interfaces');
        await this.publishPorts(c);
        phase('network-ports');
        await this.writeEtcFiles(c);
        phase('network-etc');
        return { netnsPath, ...env };
      } catch (err) {
        await this.unplugAll(c.id);
        throw err;
      }
    });
  }

  /** A container whose every endpoint was disconnected before it started still gets berth's namespace when its
   * mode names a bridge network, so it can be connected while running (as Docker). */
  private connectableWithoutEndpoints(c: ContainerRecord): boolean {
    if (c.config.NetworkDisabled) return false;
    try {
      return this.modeNetwork(c.hostConfig.NetworkMode || 'bridge')?.driver === 'bridge';
    } catch {
      return false;
    }
  }

  private sharedNetns(ref: string): string {
    const other = resolveContainer(this.deps.containers, ref);
    if (!isRunningState(other.state) || !other.state.pid)
      throw conflict(`cannot join network of a non running container: ${other.id}`);
    return this.sandboxes.has(other.id) ? this.deps.host.netnsPath(other.id) : `/proc/${other.state.pid}/ns/net`;
  }

  /** Names of a new interface: inside, the network's prefix (eth unless container_iface_prefix) with the sandbox's
   * next number, as Docker counts (after a daemon restart, above those plugged); on the host, the lowest free veth
   * suffix. */
  private interfaceNames(c: ContainerRecord, ep: EndpointRecord): { ifName: string; hostIfName: string } {
    const prefixOf = (networkId: string): string => {
      const n = this.deps.store.getNetwork(networkId);
      return n ? this.deps.networks.bridgeOptions(n).ifacePrefix : 'eth';
    };
    const plugged = this.deps.store
      .endpointsOfContainer(c.id)
      .filter((e) => e.hostIfName && e.networkId !== ep.networkId);
    // An endpoint plugged before names were recorded had the positional name.
    const inside = new Set(
      plugged.map(
        (e, i) =>
          e.ifName ??
          `${prefixOf(e.networkId)}${plugged.slice(0, i).filter((o) => prefixOf(o.networkId) === prefixOf(e.networkId)).length}`,
      ),
    );
    const onHost = new Set(plugged.map((e) => e.hostIfName));
    const prefix = prefixOf(ep.networkId);
    const counters = this.nextIfIndex.get(c.id) ?? new Map<string, number>();
    const numbers = [...inside].map((n) => (n.startsWith(prefix) ? Number(n.slice(prefix.length)) : NaN));
    let i = counters.get(prefix) ?? Math.max(-1, ...numbers.filter(Number.isInteger)) + 1;
    while (inside.has(`${prefix}${i}`)) i++;
    counters.set(prefix, i + 1);
    this.nextIfIndex.set(c.id, counters);
    let j = 0;
    while (onHost.has(`vb${c.id.slice(0, 10)}${j.toString(16)}`)) j++;
    return { ifName: `${prefix}${i}`, hostIfName: `vb${c.id.slice(0, 10)}${j.toString(16)}` };
  }

  /** Of these endpoints, the one whose network carries the default routes, as Docker orders them. */
  private gatewayOf(endpoints: EndpointRecord[]): EndpointRecord | undefined {
    const candidates = endpoints.flatMap((endpoint) => {
      const n = this.deps.store.getNetwork(endpoint.networkId);
      if (!n) return [];
      return [{ endpoint, networkName: n.name, internal: n.internal, dualStack: Boolean(this.deps.networks.v6Of(n)) }];
    });
    return gatewayEndpoint(candidates)?.endpoint;
  }

  /** The default routes via this plugged endpoint's network (IPv6 too on an IPv6 network), or none. */
  private async routeVia(containerId: string, ep: EndpointRecord | undefined): Promise<void> {
    const n = ep ? this.deps.store.getNetwork(ep.networkId) : undefined;
    const v6 = n ? this.deps.networks.v6Of(n) : undefined;
    await this.deps.host.setDefaultRoutes(
      this.deps.host.netnsPath(containerId),
      ep && n
        ? { ifName: ep.ifName ?? 'eth0', gateway: n.gateway, ...(v6 ? { gateway6: v6.gateway } : {}) }
        : undefined,
    );
  }

  /** `gateway`: the default routes go via this network (the container's first one). */
  private async plug(c: ContainerRecord, ep: EndpointRecord, netnsPath: string, gateway: boolean): Promise<void> {
    const n = this.deps.store.getNetwork(ep.networkId);
    if (!n) throw notFound(`network ${ep.networkId} not found`);
    // From reading the addresses in use to recording this one, no await: concurrent starts never share an address,
    // and a removal, which marks its network in the turn of its check for active endpoints, either saw this
    // endpoint's address or is refused here.
    this.deps.networks.refuseIfRemoving(n);
    const others = this.deps.store.endpointsOfNetwork(n.id).filter((e) => e.containerId !== c.id);
    const inUse = new Set(others.filter((e) => e.ip).map((e) => e.ip));
    const v6 = this.deps.networks.v6Of(n);
    let ip: string;
    let ip6 = '';
    try {
      ip = allocateAddress(n, inUse, ep.requestedIp || undefined);
      if (v6)
        ip6 = allocateAddress6(
          v6,
          new Set(others.filter((e) => e.ip6).map((e) => e.ip6 ?? '')),
          ep.requestedIp6 || undefined,
        );
    } catch (err) {
      if (isKind(err, 'Conflict')) throw forbidden(`Address already in use`, err);
      throw err;
    }
    const plugged: EndpointRecord = {
      ...ep,
      ip,
      ip6,
      mac: ep.requestedMac || macFor(ip),
      ...this.interfaceNames(c, ep),
      stage: 'joined',
    };
    // Recorded before the veth exists, so a crash midway leaves a record that start-up cleanup finds.
    this.deps.store.upsertEndpoint(plugged);
    await this.deps.pausePoint?.('network-join-recorded');
    const first = gateway && !n.internal;
    await this.deps.host.addInterface(netnsPath, {
      bridge: n.bridgeName,
      hostIfName: plugged.hostIfName,
      ifName: plugged.ifName ?? 'eth0',
      ip,
      prefix: parseCidr(n.subnet).prefix,
      mac: plugged.mac,
      ...(first ? { gateway: n.gateway } : {}),
      mtu: this.deps.networks.mtuOf(n),
      ...(v6
        ? { ip6: { cidr: `${ip6}/${parseCidr6(v6.subnet).prefix}`, ...(first ? { gateway: v6.gateway } : {}) } }
        : {}),
      // As Docker: IPv4 link-local addresses take /16, IPv6 ones /64.
      extraAddresses: (ep.linkLocalIps ?? []).map((a) => (a.includes(':') ? `${a}/64` : `${a}/16`)),
    });
  }

  private async publishPorts(c: ContainerRecord): Promise<void> {
    const requests = portRequests(
      c.hostConfig.PortBindings,
      c.hostConfig.PublishAllPorts ?? false,
      c.config.ExposedPorts,
    );
    if (requests.length === 0) return;
    await this.lock.run(PORTS, () => this.allocatePorts(c, requests));
    await this.deps.networks.applyRules();
  }

  /** Host ports for the requests, recorded for the container; under the ports lock (checking a port binds it). */
  private async allocatePorts(c: ContainerRecord, requests: ReturnType<typeof portRequests>): Promise<void> {
    const taken: PortMapping[] = [...this.deps.store.allPorts()].filter(([id]) => id !== c.id).flatMap(([, m]) => m);
    const mappings: PortMapping[] = [];
    const epId = this.deps.store.endpointsOfContainer(c.id)[0]?.id ?? '';
    const fail = (why: string, cause?: unknown): Error =>
      internal(`driver failed programming external connectivity on endpoint ${c.name} (${epId}): ${why}`, cause);
    // com.docker.network.bridge.host_binding_ipv4 of the container's first network: the address of ports that name none.
    const firstNet = this.deps.store.getNetwork(this.deps.store.endpointsOfContainer(c.id)[0]?.networkId ?? '');
    const defaultHostIp = firstNet ? this.deps.networks.bridgeOptions(firstNet).hostBindingIp : '';
    for (const r of requests) {
      const hostIp = r.hostIp || defaultHostIp;
      let m: PortMapping = { proto: r.proto, containerPort: r.containerPort, hostIp, hostPort: r.hostPort };
      if (r.hostPort === 0) {
        for (let tries = 0; ; tries++) {
          m = { ...m, hostPort: await this.deps.host.freePort(r.proto, hostIp) };
          if (![...taken, ...mappings].some((t) => overlaps(t, m))) break;
          if (tries > 50) throw fail('no free host port');
        }
      } else {
        if ([...taken, ...mappings].some((t) => overlaps(t, m)))
          throw fail(`Bind for ${m.hostIp || '0.0.0.0'}:${m.hostPort} failed: port is already allocated`);
        try {
          await this.deps.host.checkPortFree(m);
        } catch (err) {
          throw fail((err as Error).message, err);
        }
      }
      mappings.push(m);
    }
    this.deps.store.setPorts(c.id, mappings);
  }

  private async writeEtcFiles(c: ContainerRecord): Promise<void> {
    await this.deps.files.prepare(c.id, await this.etcFiles(c));
  }

  /** After a live connect or disconnect: /etc/hosts names the addresses the container has now, and resolv.conf
   * points at a user network's DNS while it has one (Docker rewrites both then too). */
  private async rewriteEtcFiles(c: ContainerRecord): Promise<void> {
    const files = await this.etcFiles(c);
    await this.deps.files.rewriteHosts(c.id, files.hosts);
    await this.deps.files.rewriteResolvConf(c.id, files.resolvConf);
  }

  private async etcFiles(c: ContainerRecord): Promise<{ hostname: string; hosts: string; resolvConf: string }> {
    // Only endpoints that are plugged in (a live disconnect leaves its endpoint without an address first).
    const endpoints = this.deps.store.endpointsOfContainer(c.id).filter((e) => e.ip);
    const first = endpoints[0];
    const hc = c.hostConfig;
    const hostname = c.config.Hostname || 'localhost';
    const hostResolv = await this.deps.files.hostResolvConf();
    const userNet = endpoints.map((e) => this.deps.store.getNetwork(e.networkId)).find((n) => n && !n.isDefault);
    const resolv = userNet
      ? resolvConf({
          hostResolvConf: `nameserver ${userNet.gateway}\n${hostResolv
            .split('\n')
            .filter((l) => !l.trim().startsWith('nameserver'))
            .join('\n')}`,
          dns: hc.Dns?.length ? [userNet.gateway, ...hc.Dns] : [],
          dnsSearch: hc.DnsSearch ?? [],
          dnsOptions: hc.DnsOptions?.length ? hc.DnsOptions : ['ndots:0'],
          dropLoopback: false,
        })
      : resolvConf({
          hostResolvConf: hostResolv,
          dns: hc.Dns ?? [],
          dnsSearch: hc.DnsSearch ?? [],
          dnsOptions: hc.DnsOptions ?? [],
          dropLoopback: true,
        });
    const links = this.linkedChildren(c, false).flatMap(({ alias, child, ip, ip6 }) => {
      const names = linkHostNames(alias, child.config.Hostname ?? '', child.name);
      return [...(ip ? [{ ip, names }] : []), ...(ip6 ? [{ ip: ip6, names }] : [])];
    });
    return {
      hostname: `${hostname}\n`,
      hosts: hostsFile({
        hostname,
        domainname: c.config.Domainname,
        extraHosts: this.resolveExtraHosts(hc.ExtraHosts ?? []),
        links,
        ipAddresses: endpoints.filter((e) => this.deps.store.getNetwork(e.networkId)).map((e) => e.ip),
        ...(first?.ip6 ? { ipAddress6: first.ip6 } : {}),
      }),
      resolvConf: resolv,
    };
  }

  /** A network event with Docker's actor: the network, its name and driver, and the container. */
  publish(action: 'connect' | 'disconnect', networkOrId: NetworkRecord | string, containerId: string): void {
    const n = typeof networkOrId === 'string' ? this.deps.store.getNetwork(networkOrId) : networkOrId;
    if (!n) return;
    this.deps.events.publish({
      type: 'network',
      action,
      actor: { id: n.id, attributes: { container: containerId, name: n.name, type: n.driver } },
    });
  }

  announceDisconnects(c: ContainerRecord): void {
    for (const n of this.leftNetworks.get(c.id) ?? []) this.publish('disconnect', n, c.id);
    this.leftNetworks.delete(c.id);
  }

  async tearDown(c: ContainerRecord): Promise<void> {
    await this.forContainer(c.id, () => this.unplugAll(c.id));
  }

  private async unplugAll(containerId: string): Promise<void> {
    const { store, host } = this.deps;
    // The rules name a container only through its published ports: without them, they stay as they are.
    const published = store.portsOf(containerId).length > 0;
    store.setPorts(containerId, []);
    // The rules without this container's ports are applied while its interfaces go, and its addresses are released
    // only once they are in: no rule is left sending a port to an address another container may get next.
    const rules = published
      ? this.deps.networks.applyRules().then(
          () => undefined,
          (err: unknown) => err,
        )
      : undefined;
    const endpoints = store.endpointsOfContainer(containerId);
    const left = endpoints.filter((ep) => ep.ip || ep.hostIfName).map((ep) => store.getNetwork(ep.networkId));
    this.leftNetworks.set(containerId, [
      ...(this.leftNetworks.get(containerId) ?? []),
      ...left.filter((n): n is NetworkRecord => n !== undefined),
    ]);
    for (const ep of endpoints) if (ep.hostIfName) await host.removeInterface(ep.hostIfName);
    const rulesFailed = await rules;
    for (const ep of endpoints)
      if (ep.ip || ep.hostIfName)
        store.upsertEndpoint({ ...ep, ip: '', ip6: '', mac: '', hostIfName: '', ifName: undefined });
    await host.removeNetns(containerId);
    this.sandboxes.delete(containerId);
    this.nextIfIndex.delete(containerId);
    if (rulesFailed) throw rulesFailed;
  }

  async forget(c: ContainerRecord): Promise<void> {
    await this.tearDown(c);
    // A removal's `die` (rm -f of a running container) is published before this.
    this.announceDisconnects(c);
    for (const ep of this.deps.store.endpointsOfContainer(c.id)) this.deps.store.deleteEndpoint(ep.networkId, c.id);
  }

  private async connectLive(containerId: string, networkId: string): Promise<void> {
    const endpoints = this.deps.store.endpointsOfContainer(containerId);
    const ep = endpoints.find((e) => e.networkId === networkId);
    const c = this.deps.containers.get(containerId);
    if (!ep || !c) return;
    if (!this.sandboxes.has(containerId))
      throw forbidden(`container ${containerId} has no network namespace of berth's to connect`);
    const plugged = endpoints.filter((e) => e.hostIfName && e.networkId !== networkId);
    // The default routes move to this network when it sorts first (as Docker's); alone, it carries them.
    const takesRoutes = this.gatewayOf([...plugged, ep])?.networkId === networkId;
    await this.plug(c, ep, this.deps.host.netnsPath(containerId), takesRoutes && plugged.length === 0);
    if (takesRoutes && plugged.length > 0) {
      const now = this.deps.store.endpointsOfContainer(containerId).find((e) => e.networkId === networkId);
      await this.routeVia(containerId, now);
    }
    await this.deps.networks.applyRules();
    await this.rewriteEtcFiles(c);
  }

  private async disconnectLive(containerId: string, networkId: string): Promise<void> {
    const endpoints = this.deps.store.endpointsOfContainer(containerId);
    const ep = endpoints.find((e) => e.networkId === networkId);
    if (!ep) return;
    const plugged = endpoints.filter((e) => e.hostIfName);
    const hadRoutes = ep.hostIfName !== '' && this.gatewayOf(plugged)?.networkId === networkId;
    if (ep.hostIfName) await this.deps.host.removeInterface(ep.hostIfName);
    this.deps.store.upsertEndpoint({ ...ep, ip: '', ip6: '', mac: '', hostIfName: '', ifName: undefined });
    // dockerd 20.10 reports a running container's disconnect twice: this one as the endpoint leaves, the network
    // service's as the request ends (measured side by side; the default bridge and user networks alike).
    if (ep.ip) this.publish('disconnect', networkId, containerId);
    // Its default routes went with its interface: the next network in Docker's order takes them.
    const next = hadRoutes ? this.gatewayOf(plugged.filter((e) => e.networkId !== networkId)) : undefined;
    if (next) await this.routeVia(containerId, next);
    await this.deps.networks.applyRules();
    const c = this.deps.containers.get(containerId);
    if (c) await this.rewriteEtcFiles(c);
  }

  settings(c: ContainerRecord, lookup: NetworkLookup = storeLookup(this.deps.store)): NetworkSettings {
    const running = isRunningState(c.state);
    const endpoints = lookup.endpointsOf(c.id);
    const mappings = running ? this.shownPorts(c.id, lookup) : [];
    const ports = running ? portsView(mappings, c.config.ExposedPorts, c.hostConfig.PortBindings) : {};
    return containerNetworkSettings({
      record: c,
      endpoints: endpoints.map((e) => ({ endpoint: e, network: lookup.network(e.networkId) })),
      modeNetwork: lookup.networkByName(c.hostConfig.NetworkMode ?? ''),
      sandboxKey: running ? this.sandboxKey(c) : '',
      ports,
      bridgeOption: this.deps.networks.config.bridgeOption ?? '',
    });
  }

  /** The namespace a running container's network lives in: berth's own, else the host or none mode's. */
  private sandboxKey(c: ContainerRecord): string {
    return this.sandboxes.has(c.id) ? this.deps.host.netnsPath(c.id) : modeSandboxKey(c);
  }

  /** Published ports as Docker shows them: on an IPv6 network, those on every address also on "::". */
  private shownPorts(containerId: string, lookup: NetworkLookup = storeLookup(this.deps.store)): PortMapping[] {
    const mappings = lookup.portsOf(containerId);
    if (!lookup.endpointsOf(containerId).some((e) => e.ip6)) return mappings;
    return mappings.flatMap((m) => (m.hostIp ? [m] : [m, { ...m, hostIp: '::' }]));
  }

  ports(c: ContainerRecord, lookup: NetworkLookup = storeLookup(this.deps.store)): Port[] {
    if (!isRunningState(c.state)) return [];
    return portSummary(this.shownPorts(c.id, lookup), c.config.ExposedPorts);
  }

  views(records: ContainerRecord[]): { settings: NetworkSettings; ports: Port[] }[] {
    const lookup = snapshotLookup(this.deps.store);
    return records.map((c) => ({ settings: this.settings(c, lookup), ports: this.ports(c, lookup) }));
  }

  /** Namespaces and endpoints of containers that are not running go; the rule set is rebuilt from the store. */
  async restore(): Promise<void> {
    const done = this.restoreNow();
    this.restoring = done.catch(() => undefined);
    await done;
  }

  private async restoreNow(): Promise<void> {
    await this.restoring;
    const { store, host, containers } = this.deps;
    const live = (id: string): boolean => {
      const c = containers.get(id);
      return c !== undefined && isRunningState(c.state);
    };
    for (const ep of store.allEndpoints()) {
      if (!containers.get(ep.containerId)) store.deleteEndpoint(ep.networkId, ep.containerId);
      else if ((ep.ip || ep.hostIfName) && !live(ep.containerId)) {
        if (ep.hostIfName) await host.removeInterface(ep.hostIfName);
        store.upsertEndpoint({ ...ep, ip: '', ip6: '', mac: '', hostIfName: '', ifName: undefined });
      }
    }
    for (const id of store.allPorts().keys()) if (!live(id)) store.setPorts(id, []);
    for (const id of await host.listNetns()) {
      if (live(id)) this.sandboxes.add(id);
      else await host.removeNetns(id);
    }
    await this.deps.networks.applyRules();
  }
}
