// Which of a container's networks carries its default routes, as Docker's libnetwork orders a sandbox's endpoints:
// internal networks last, then dual-stack ones (an IPv4 and an IPv6 gateway) before the others, then by network
// name. A connect whose network sorts first takes the default routes over; a disconnect of the network that had
// them hands them to the next. (Endpoint priorities, GwPriority, came with API 1.48.)

export interface GatewayCandidate {
  networkName: string;
  internal: boolean;
  dualStack: boolean;
}

/** The candidate that carries the default routes, or undefined when every one is internal (or there is none). */
export function gatewayEndpoint<T extends GatewayCandidate>(candidates: readonly T[]): T | undefined {
  const rank = (c: T): number => (c.dualStack ? 0 : 1);
  const sorted = candidates
    .filter((c) => !c.internal)
    .sort((a, b) => rank(a) - rank(b) || (a.networkName < b.networkName ? -1 : a.networkName > b.networkName ? 1 : 0));
  return sorted[0];
}
