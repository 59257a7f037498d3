// The embedded DNS's name table: container names, short ids, hostnames and aliases on a user-defined network, IPv4
// and IPv6.
import type { ContainerStore } from '../../core/containers/container-store.js';
import type { NetworkStore } from '../../core/networks/network-record.js';
import { parseLink, type LinkSpec } from '../../core/networks/legacy-links.js';

/** "name", "name:alias" or "/name:/parent/alias", as Docker parses them; one it could not parse names nothing. */
const parsedLink = (text: string): LinkSpec | undefined => {
  try {
    return parseLink(text);
  } catch {
    return undefined;
  }
};

/** Container names, short ids, hostnames (--hostname: Docker's DNS answers it too, dockerd 20.10 as an implicit alias,
 * moby 25+ among DNSNames) and aliases on a user-defined network, for the embedded DNS: IPv4 and IPv6 addresses.
 * `asker` (the querying address) scopes link aliases (--link on a user network) to the linking container.
 * A name the network does not know is looked up on the asker's other networks, as Docker's resolver answers for
 * every network of the container (a container on `front` and `back` asks the one nameserver of its first network). */
export function lookupName(
  stores: { store: NetworkStore; containers: ContainerStore },
  networkId: string,
  name: string,
  asker?: string,
): { v4: string[]; v6: string[] } {
  const found = lookupOnNetwork(stores, networkId, name, asker);
  if (found.v4.length > 0 || found.v6.length > 0 || !asker) return found;
  const askerEp = stores.store.endpointsOfNetwork(networkId).find((ep) => ep.ip === asker || ep.ip6 === asker);
  if (!askerEp) return found;
  for (const other of stores.store.endpointsOfContainer(askerEp.containerId)) {
    if (other.networkId === networkId || !other.ip) continue;
    const there = lookupOnNetwork(stores, other.networkId, name, other.ip);
    if (there.v4.length > 0 || there.v6.length > 0) return there;
  }
  return found;
}

function lookupOnNetwork(
  stores: { store: NetworkStore; containers: ContainerStore },
  networkId: string,
  name: string,
  asker?: string,
): { v4: string[]; v6: string[] } {
  const out = { v4: [] as string[], v6: [] as string[] };
  const endpoints = stores.store.endpointsOfNetwork(networkId).filter((ep) => ep.ip);
  let target = name;
  const askerEp = asker ? endpoints.find((ep) => ep.ip === asker || ep.ip6 === asker) : undefined;
  for (const text of askerEp?.links ?? []) {
    const link = parsedLink(text);
    if (link?.alias.toLowerCase() === name) target = link.name.toLowerCase();
  }
  for (const ep of endpoints) {
    const c = stores.containers.get(ep.containerId);
    if (!c) continue;
    const names = [c.name, c.id.slice(0, 12), c.config.Hostname ?? '', ...ep.aliases]
      .filter((x) => x)
      .map((x) => x.toLowerCase());
    if (names.includes(target) || c.id === target) {
      out.v4.push(ep.ip);
      if (ep.ip6) out.v6.push(ep.ip6);
    }
  }
  return out;
}
