// What the store says about networks, as both the network use cases and the container side need it: lookup by
// reference, the bridge networks, each one's driver options, MTU and IPv6 side, and the daemon-wide iptables rule
// set, rebuilt from the store whenever networks or published ports change (one apply at a time; asks that come
// while one runs share the next, which reads the store when it starts). It also knows which networks are being
// removed: a removal marks its network in the same turn as its check for active endpoints, and every turn that adds
// or joins an endpoint refuses a marked network, as libnetwork refuses a network marked for deletion.
import type { NetworkHost } from '../../core/networks/network-host.js';
import type { NetworkRecord, NetworkStore, NetworkV6 } from '../../core/networks/network-record.js';
import type { RuleNetwork, RulePort } from '../../core/networks/nat-rules.js';
import { invalidArgument, notFound } from '../../core/errdefs.js';
import { LatestRun } from '../../lib/latest-run.js';
import { parseBridgeOptions, type BridgeOptions } from '../../core/networks/bridge-options.js';
import type { NetworkServiceConfig } from './types.js';

export interface NetworkRecordsDeps {
  store: NetworkStore;
  host: NetworkHost;
  config: NetworkServiceConfig;
}

export class NetworkRecords {
  private readonly rules = new LatestRun(() => this.applyRulesNow());
  /** Networks past their removal's checks, with that removal's outcome (true once the record is gone). */
  private readonly removals = new Map<string, Promise<boolean>>();

  constructor(private readonly deps: NetworkRecordsDeps) {}

  get config(): NetworkServiceConfig {
    return this.deps.config;
  }

  /** By full id, exact name, then unique id prefix, as Docker. Two networks of one name (or id prefix) are
   * ambiguous: 400 in the wording Docker's inspect, remove, or other uses have. */
  resolve(ref: string, use: 'inspect' | 'remove' | 'use' = 'use'): NetworkRecord {
    const { store } = this.deps;
    const byId = store.getNetwork(ref);
    if (byId) return byId;
    const ambiguous = (count: number, basis: 'name' | 'ID prefix'): Error =>
      invalidArgument(
        use === 'inspect'
          ? `${count} matches found based on ${basis}: network ${ref} is ambiguous`
          : `network ${ref} is ambiguous (${count} matches found ${use === 'use' && basis === 'name' ? 'on' : 'based on'} ${basis})`,
      );
    const byName = store.networksByName(ref);
    if (byName.length === 1 && byName[0]) return byName[0];
    if (byName.length > 1) throw ambiguous(byName.length, 'name');
    const matches = ref ? store.listNetworks().filter((n) => n.id.startsWith(ref)) : [];
    if (matches.length === 1 && matches[0]) return matches[0];
    if (matches.length > 1) throw ambiguous(matches.length, 'ID prefix');
    throw notFound(`network ${ref} not found`);
  }

  /** Marks the network as being removed (synchronously: a caller marks it in the turn of its own checks) while
   * `teardown` runs; the mark goes when it settles. */
  async removing(id: string, teardown: () => Promise<void>): Promise<void> {
    let settle: (removed: boolean) => void = () => undefined;
    this.removals.set(id, new Promise<boolean>((resolve) => (settle = resolve)));
    try {
      await teardown();
      settle(true);
    } catch (err) {
      settle(false);
      throw err;
    } finally {
      this.removals.delete(id);
    }
  }

  /** The outcome of the removal under way for this network (true: removed), or undefined when none is. */
  removalOf(id: string): Promise<boolean> | undefined {
    return this.removals.get(id);
  }

  /** Docker's 404 for a network being removed, as its engine answers once the removal it waited for is done.
   * Call it in the same synchronous turn that adds or joins the endpoint. */
  refuseIfRemoving(n: NetworkRecord, ref: string = n.name): void {
    if (this.removals.has(n.id)) throw notFound(`network ${ref} not found`);
  }

  bridgeNetworks(): NetworkRecord[] {
    return this.deps.store.listNetworks().filter((n) => n.driver === 'bridge');
  }

  /** The network's driver options; a record stored before they were validated falls back to the defaults. */
  bridgeOptions(n: NetworkRecord): BridgeOptions {
    try {
      return parseBridgeOptions(n.options);
    } catch {
      return parseBridgeOptions({});
    }
  }

  /** MTU of the network's bridge and veths: its own option, else the daemon's --mtu. */
  mtuOf(n: NetworkRecord): number {
    return this.bridgeOptions(n).mtu ?? this.config.mtu;
  }

  /** The IPv6 side when it is in use (EnableIPv6). */
  v6Of(n: NetworkRecord): NetworkV6 | undefined {
    return n.enableIPv6 && n.v6 ? n.v6 : undefined;
  }

  /** Settles once the host has a rule set read from the store after this call (ten containers starting at once
   * are served by one or two iptables-restore runs, not ten in a row). */
  applyRules(): Promise<void> {
    return this.rules.run();
  }

  /** The whole rule set from the store: every bridge network and every running container's published ports. */
  private async applyRulesNow(): Promise<void> {
    const { store } = this.deps;
    const networks: RuleNetwork[] = this.bridgeNetworks().map((n) => {
      const o = this.bridgeOptions(n);
      const v6 = this.v6Of(n);
      return {
        bridge: n.bridgeName,
        subnet: n.subnet,
        internal: n.internal,
        masquerade: o.masquerade && this.config.ipMasq,
        icc: o.icc,
        ...(v6 ? { subnet6: v6.subnet } : {}),
      };
    });
    const ports: RulePort[] = [];
    for (const [containerId, mappings] of store.allPorts()) {
      const ep = store.endpointsOfContainer(containerId).find((e) => e.ip);
      if (ep)
        for (const mapping of mappings)
          ports.push({ containerIp: ep.ip, ...(ep.ip6 ? { containerIp6: ep.ip6 } : {}), mapping });
    }
    await this.deps.host.applyRules(networks, ports);
  }
}
