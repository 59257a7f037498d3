// NetworkStore on SQLite: networks (names may repeat, as Docker's API before 1.44 lets a create ask for it; the
// unique-name check and the insert run in one transaction), endpoints keyed by (network, container), and each
// running container's published ports. A network goes with its endpoints, in one transaction.
import type { Database } from 'better-sqlite3';
import { conflict } from '../../core/errdefs.js';
import type { EndpointRecord, NetworkRecord, NetworkStore, PortMapping } from '../../core/networks/network-record.js';

export const NETWORKS_SCHEMA = `
CREATE TABLE IF NOT EXISTS networks (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS network_endpoints (
  network_id TEXT NOT NULL,
  container_id TEXT NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (network_id, container_id)
);
CREATE INDEX IF NOT EXISTS network_endpoints_container ON network_endpoints(container_id);
CREATE TABLE IF NOT EXISTS network_ports (
  container_id TEXT PRIMARY KEY,
  ports TEXT NOT NULL
);
`;

/** Migration 6: network names no longer UNIQUE (CheckDuplicate: false before API 1.44 makes a second one). */
export const NETWORK_NAMES_SHARED_SCHEMA = `
CREATE TABLE networks_v6 (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created TEXT NOT NULL,
  record TEXT NOT NULL
);
INSERT INTO networks_v6 (id, name, created, record) SELECT id, name, created, record FROM networks;
DROP TABLE networks;
ALTER TABLE networks_v6 RENAME TO networks;
CREATE INDEX IF NOT EXISTS networks_name ON networks(name);
`;

const isUniqueViolation = (err: unknown): boolean =>
  String((err as { code?: string }).code).startsWith('SQLITE_CONSTRAINT');

export class SqliteNetworkStore implements NetworkStore {
  private readonly s;

  constructor(private readonly db: Database) {
    db.exec(NETWORKS_SCHEMA);
    this.s = {
      list: db.prepare<[], { record: string }>('SELECT record FROM networks ORDER BY created, id'),
      get: db.prepare<[string], { record: string }>('SELECT record FROM networks WHERE id = ?'),
      byName: db.prepare<[string], { record: string }>(
        'SELECT record FROM networks WHERE name = ? ORDER BY created, id',
      ),
      insert: db.prepare('INSERT INTO networks (id, name, created, record) VALUES (?, ?, ?, ?)'),
      delete: db.prepare('DELETE FROM networks WHERE id = ?'),
      epOfNetDelete: db.prepare('DELETE FROM network_endpoints WHERE network_id = ?'),
      epOfNet: db.prepare<[string], { record: string }>(
        'SELECT record FROM network_endpoints WHERE network_id = ? ORDER BY rowid',
      ),
      epOfCtr: db.prepare<[string], { record: string }>(
        'SELECT record FROM network_endpoints WHERE container_id = ? ORDER BY rowid',
      ),
      epAll: db.prepare<[], { record: string }>('SELECT record FROM network_endpoints ORDER BY rowid'),
      epUpsert: db.prepare(
        'INSERT INTO network_endpoints (network_id, container_id, record) VALUES (?, ?, ?) ON CONFLICT(network_id, container_id) DO UPDATE SET record = excluded.record',
      ),
      epDelete: db.prepare('DELETE FROM network_endpoints WHERE network_id = ? AND container_id = ?'),
      portsGet: db.prepare<[string], { ports: string }>('SELECT ports FROM network_ports WHERE container_id = ?'),
      portsSet: db.prepare(
        'INSERT INTO network_ports (container_id, ports) VALUES (?, ?) ON CONFLICT(container_id) DO UPDATE SET ports = excluded.ports',
      ),
      portsDelete: db.prepare('DELETE FROM network_ports WHERE container_id = ?'),
      portsAll: db.prepare<[], { container_id: string; ports: string }>(
        'SELECT container_id, ports FROM network_ports',
      ),
    };
  }

  listNetworks(): NetworkRecord[] {
    return this.s.list.all().map((r) => JSON.parse(r.record) as NetworkRecord);
  }

  getNetwork(id: string): NetworkRecord | undefined {
    const row = this.s.get.get(id);
    return row ? (JSON.parse(row.record) as NetworkRecord) : undefined;
  }

  findNetworkByName(name: string): NetworkRecord | undefined {
    const row = this.s.byName.get(name);
    return row ? (JSON.parse(row.record) as NetworkRecord) : undefined;
  }

  networksByName(name: string): NetworkRecord[] {
    return this.s.byName.all(name).map((r) => JSON.parse(r.record) as NetworkRecord);
  }

  insertNetwork(n: NetworkRecord, options: { uniqueName?: boolean } = {}): void {
    this.db.transaction(() => {
      if (options.uniqueName !== false && this.s.byName.get(n.name))
        throw conflict(`network with name ${n.name} already exists`);
      try {
        this.s.insert.run(n.id, n.name, n.created, JSON.stringify(n));
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(`network with id ${n.id} already exists`, err);
        throw err;
      }
    })();
  }

  deleteNetwork(id: string): void {
    this.db.transaction(() => {
      this.s.epOfNetDelete.run(id);
      this.s.delete.run(id);
    })();
  }

  endpointsOfNetwork(networkId: string): EndpointRecord[] {
    return this.s.epOfNet.all(networkId).map((r) => JSON.parse(r.record) as EndpointRecord);
  }

  endpointsOfContainer(containerId: string): EndpointRecord[] {
    return this.s.epOfCtr.all(containerId).map((r) => JSON.parse(r.record) as EndpointRecord);
  }

  allEndpoints(): EndpointRecord[] {
    return this.s.epAll.all().map((r) => JSON.parse(r.record) as EndpointRecord);
  }

  upsertEndpoint(e: EndpointRecord): void {
    this.s.epUpsert.run(e.networkId, e.containerId, JSON.stringify(e));
  }

  deleteEndpoint(networkId: string, containerId: string): void {
    this.s.epDelete.run(networkId, containerId);
  }

  portsOf(containerId: string): PortMapping[] {
    const row = this.s.portsGet.get(containerId);
    return row ? (JSON.parse(row.ports) as PortMapping[]) : [];
  }

  setPorts(containerId: string, ports: PortMapping[]): void {
    if (ports.length === 0) this.s.portsDelete.run(containerId);
    else this.s.portsSet.run(containerId, JSON.stringify(ports));
  }

  allPorts(): Map<string, PortMapping[]> {
    return new Map(this.s.portsAll.all().map((r) => [r.container_id, JSON.parse(r.ports) as PortMapping[]]));
  }
}
