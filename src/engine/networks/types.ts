// The network service's surface as the API sees it, and its configuration.
import type { EndpointRecord, NetworkRecord } from '../../core/networks/network-record.js';
import type { AddressPool } from '../../core/networks/ipam.js';
import type { EndpointSettings } from '../../spec/docker/containers.js';

export interface NetworkCreateRequest {
  Name?: string;
  /** Refuse a name in use (the API sets it from API 1.44 on, where Docker always refuses). */
  CheckDuplicate?: boolean;
  Driver?: string;
  Internal?: boolean;
  Attachable?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Driver?: string; Config?: IpamConfig[] | null; Options?: Record<string, string> | null } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

export interface IpamConfig {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string> | null;
}

export interface NetworkView {
  record: NetworkRecord;
  containers: { id: string; name: string; endpoint: EndpointRecord }[];
}

export interface NetworksApi {
  create(request: NetworkCreateRequest): Promise<{ id: string; warning: string }>;
  list(filters: Map<string, string[]>): NetworkView[];
  inspect(ref: string): NetworkView;
  remove(ref: string): Promise<void>;
  prune(filters: Map<string, string[]>): Promise<string[]>;
  connect(ref: string, container: string, config: EndpointSettings | undefined): Promise<void>;
  disconnect(ref: string, container: string, force: boolean): Promise<void>;
  /** Removes a legacy link (by alias) from a container. */
  removeLink(container: string, alias: string): Promise<void>;
}

export interface NetworkServiceConfig {
  /** The default `bridge` network's Linux bridge; undefined with --bridge=none (loopback-only as before). */
  defaultBridge: string | undefined;
  /** --bridge as given, '' (or absent) when not: Docker shows it as a bridge-mode container's NetworkSettings.Bridge
   * (its own default bridge, docker0, shows as ""). */
  bridgeOption?: string;
  /** --bip: the default bridge's gateway/prefix, e.g. 172.17.0.1/16; else chosen from the pools. */
  bip: string | undefined;
  pools: AddressPool[];
  /** Where IPv6 subnets come from when EnableIPv6 names none: a ULA /48 of the daemon's, in /64s. */
  ipv6Pool: AddressPool;
  mtu: number;
  ipMasq: boolean;
  /** Address --add-host host-gateway stands for; default: the default bridge's gateway. */
  hostGatewayIp: string | undefined;
}

/** Test-only hold points (daemon/test-pause-point.ts): a network removal held after its checks (marked as being
 * removed), after its bridge went (before the store forgets it), or, meeting a removal under way, before it waits
 * for it; an endpoint held once its address is recorded, before its interface is made (a start's or a live
 * connect's join). */
export type NetworkPausePoint =
  'network-remove-checked' | 'network-remove-bridge-gone' | 'network-remove-waits' | 'network-join-recorded';
