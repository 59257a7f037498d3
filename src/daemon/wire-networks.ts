// Builds networking: the store, the bridge host driver, the embedded DNS, the network service and the
// container attachment; brings every bridge up. Container networking is the same with --bridge=none,
// except that containers of the default mode keep a loopback-only namespace (no default bridge network).
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../lib/logger.js';
import type { EventPublisher } from '../core/events/event.js';
import type { ContainerStore } from '../core/containers/container-store.js';
import type { ContainerFiles } from '../core/containers/container-files.js';
import { DEFAULT_ADDRESS_POOLS } from '../core/networks/ipam.js';
import { SqliteNetworkStore } from '../drivers/network-store-sqlite/sqlite-network-store.js';
import { BridgeHost } from '../drivers/network-bridge/bridge-host.js';
import { RootlesskitPorts } from '../drivers/network-bridge/rootlesskit-ports.js';
import { PortReservations } from '../drivers/network-bridge/port-reservations.js';
import { EmbeddedDns } from '../drivers/network-bridge/dns-server.js';
import { NetworkService } from '../engine/networks/network-service.js';
import { ContainerAttach } from '../engine/networks/container-attach.js';
import { NetworkRecords } from '../engine/networks/network-records.js';
import { lookupName } from '../engine/networks/dns-names.js';
import type { DaemonConfig } from './config.js';
import { testPausePoint } from './test-pause-point.js';

export interface NetworkSide {
  service: NetworkService;
  attach: ContainerAttach;
  close(): Promise<void>;
}

export async function wireNetworks(
  config: DaemonConfig,
  logger: Logger,
  events: EventPublisher,
  db: Database,
  containers: ContainerStore,
  files: ContainerFiles,
): Promise<NetworkSide> {
  const net = config.network;
  const log = logger.child({ component: 'networks' });
  const store = new SqliteNetworkStore(db);
  // Rootless: the rules live in rootlesskit's namespace; rootlesskit's port driver carries the host side.
  const stateDir = process.env.ROOTLESSKIT_STATE_DIR;
  const host = new BridgeHost(
    { netnsDir: join(config.execRoot, 'netns'), chainPrefix: net.chainPrefix, iptables: net.iptables },
    config.rootless && stateDir ? new RootlesskitPorts(join(stateDir, 'api.sock')) : undefined,
    config.rootless ? undefined : new PortReservations((msg, err) => log.warn({ err }, msg)),
  );
  const dns = new EmbeddedDns({
    lookup: (id, name, asker) => lookupName({ store, containers }, id, name, asker),
    resolvConfPath: net.resolvConf,
    port: net.dnsPort,
    logger: log,
  });
  const networkConfig = {
    defaultBridge: net.bridge,
    bridgeOption: net.bridgeOption,
    bip: net.bip,
    pools: net.pools ?? DEFAULT_ADDRESS_POOLS,
    ipv6Pool: net.ipv6Pool,
    mtu: net.mtu,
    ipMasq: net.ipMasq,
    hostGatewayIp: net.hostGatewayIp,
  };
  const records = new NetworkRecords({ store, host, config: networkConfig });
  const pausePoint = testPausePoint(process.env, logger);
  const attach = new ContainerAttach({
    networks: records,
    store,
    containers,
    host,
    files,
    logger: log,
    events,
    pausePoint,
  });
  const service = new NetworkService({
    records,
    live: attach.live,
    store,
    containers,
    host,
    dns,
    events,
    logger: log,
    config: networkConfig,
    pausePoint,
  });
  await service.init();
  return {
    service,
    attach,
    async close() {
      await dns.close();
      await service.shutdown().catch((err: unknown) => log.warn({ err }, 'network shutdown failed'));
    },
  };
}
