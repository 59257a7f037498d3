// Networks in Docker's shape (GET /networks, GET /networks/{id}).
import type { NetworkView } from '../../engine/networks/types.js';
import type { NetworkRecord, NetworkV6 } from '../../core/networks/network-record.js';

type Side = Pick<NetworkRecord, 'subnet' | 'gateway' | 'ipRange' | 'userIpam' | 'auxAddresses'>;

/** One IPAM.Config entry: what the user gave (IPRange, Gateway, AuxiliaryAddresses only then), else subnet and gateway. */
function ipamEntry(s: Side): Record<string, unknown> {
  const aux = s.auxAddresses && Object.keys(s.auxAddresses).length > 0 ? { AuxiliaryAddresses: s.auxAddresses } : {};
  if (!s.userIpam) return { Subnet: s.subnet, Gateway: s.gateway, ...aux };
  return {
    Subnet: s.subnet,
    ...(s.userIpam.IPRange ? { IPRange: s.ipRange } : {}),
    ...(s.userIpam.Gateway ? { Gateway: s.gateway } : {}),
    ...aux,
  };
}

const v6Side = (v6: NetworkV6): Side => ({
  subnet: v6.subnet,
  gateway: v6.gateway,
  ipRange: v6.ipRange,
  userIpam: v6.userIpam,
  ...(v6.auxAddresses ? { auxAddresses: v6.auxAddresses } : {}),
});

export function toNetworkJson(view: NetworkView, withContainers: boolean): Record<string, unknown> {
  const n = view.record;
  const ipamConfig = n.driver !== 'bridge' ? [] : [ipamEntry(n), ...(n.v6 ? [ipamEntry(v6Side(n.v6))] : [])];
  const containers: Record<string, unknown> = {};
  for (const c of view.containers) {
    const prefix = n.subnet ? n.subnet.split('/')[1] : '';
    const prefix6 = n.v6 ? n.v6.subnet.split('/')[1] : '';
    containers[c.id] = {
      Name: c.name,
      EndpointID: c.endpoint.id,
      MacAddress: c.endpoint.mac,
      IPv4Address: c.endpoint.ip ? `${c.endpoint.ip}/${prefix}` : '',
      IPv6Address: c.endpoint.ip6 ? `${c.endpoint.ip6}/${prefix6}` : '',
    };
  }
  const ipamOptions = n.ipamOptions !== undefined ? n.ipamOptions : n.isDefault || n.driver !== 'bridge' ? null : {};
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: 'local',
    Driver: n.driver,
    EnableIPv6: n.enableIPv6 ?? false,
    IPAM: { Driver: 'default', Options: ipamOptions, Config: ipamConfig },
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
