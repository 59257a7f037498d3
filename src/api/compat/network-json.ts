// Networks in Docker's shape (GET /networks, GET /networks/{id}).
import type { NetworkView } from '../../engine/networks/types.js';

export function toNetworkJson(view: NetworkView, withContainers: boolean): Record<string, unknown> {
  const n = view.record;
  const ipamConfig = n.driver !== 'bridge' ? [] : [n.userIpam ? { Subnet: n.subnet, ...(n.userIpam.IPRange ? { IPRange: n.ipRange } : {}), ...(n.userIpam.Gateway ? { Gateway: n.gateway } : {}) } : { Subnet: n.subnet, Gateway: n.gateway }];
  const containers: Record<string, unknown> = {};
  for (const c of view.containers) {
    const prefix = n.subnet ? n.subnet.split('/')[1] : '';
    containers[c.id] = { Name: c.name, EndpointID: c.endpoint.id, MacAddress: c.endpoint.mac, IPv4Address: c.endpoint.ip ? `${c.endpoint.ip}/${prefix}` : '', IPv6Address: '' };
  }
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: 'local',
    Driver: n.driver,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: n.isDefault || n.driver !== 'bridge' ? null : {}, Config: ipamConfig },
    Internal: n.internal,
    Attachable: n.attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: withContainers ? containers : {},
    Options: n.options,
    Labels: n.labels,
  };
}
