// What a container's NetworkSettings and Ports are read from: the store, one query per question (inspect), or
// one snapshot of all networks, endpoints and ports taken once (a list of many containers: a few queries in all
// rather than several per container).
import type { EndpointRecord, NetworkRecord, NetworkStore, PortMapping } from '../../core/networks/network-record.js';

export interface NetworkLookup {
  endpointsOf(containerId: string): EndpointRecord[];
  network(id: string): NetworkRecord | undefined;
  networkByName(name: string): NetworkRecord | undefined;
  portsOf(containerId: string): PortMapping[];
}

export const storeLookup = (store: NetworkStore): NetworkLookup => ({
  endpointsOf: (id) => store.endpointsOfContainer(id),
  network: (id) => store.getNetwork(id),
  networkByName: (name) => store.findNetworkByName(name),
  portsOf: (id) => store.portsOf(id),
});

export function snapshotLookup(store: NetworkStore): NetworkLookup {
  const networks = store.listNetworks();
  const byId = new Map(networks.map((n) => [n.id, n]));
  // The oldest of networks that share a name, as the store's findNetworkByName.
  const byName = new Map([...networks].reverse().map((n) => [n.name, n]));
  const endpoints = new Map<string, EndpointRecord[]>();
  // allEndpoints is in insertion order, as endpointsOfContainer is for one container.
  for (const e of store.allEndpoints()) {
    const list = endpoints.get(e.containerId);
    if (list) list.push(e);
    else endpoints.set(e.containerId, [e]);
  }
  const ports = store.allPorts();
  return {
    endpointsOf: (id) => endpoints.get(id) ?? [],
    network: (id) => byId.get(id),
    networkByName: (name) => byName.get(name),
    portsOf: (id) => ports.get(id) ?? [],
  };
}
