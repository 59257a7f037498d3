// What the container service asks of networking, injected by the daemon (absent: loopback-only namespaces).
// Lifecycle per container: checkCreate() validates the request before anything is made, recordCreate()
// stores its endpoints once the record exists; setUp() before each start (namespace, veths, addresses,
// published ports, /etc files) returns the namespace for the runtime; tearDown() after each exit (and on a
// failed start) undoes it, and announceDisconnects() once the exit's `die` is out; forget() at removal drops the
// endpoints. All idempotent.
import type { ContainerRecord } from '../containers/container-record.js';
import type { EndpointSettings, HostConfig, NetworkSettings, Port } from '../../spec/docker/containers.js';

export type EndpointsConfig = Record<string, EndpointSettings> | undefined;

export interface ContainerNetworking {
  /** Canonical NetworkMode, or NotFound / InvalidArgument as Docker. */
  checkCreate(hostConfig: HostConfig, endpoints: EndpointsConfig): string;
  /** --add-host entries with host-gateway replaced by the daemon's host gateway address. */
  resolveExtraHosts(entries: string[]): string[];
  recordCreate(record: ContainerRecord, endpoints: EndpointsConfig): void;
  /** extraEnv: legacy link variables (ALIAS_PORT_..., ALIAS_NAME, ALIAS_ENV_...), below the container's own Env. */
  setUp(
    record: ContainerRecord,
    options?: { signal?: AbortSignal },
  ): Promise<{ netnsPath?: string; extraEnv?: string[] }>;
  tearDown(record: ContainerRecord): Promise<void>;
  /** After the container's `die`: the `network disconnect` events of the networks its tear-down left (Docker
   * publishes them in that order: die, disconnects, then stop or destroy). */
  announceDisconnects(record: ContainerRecord): void;
  forget(record: ContainerRecord): Promise<void>;
  settings(record: ContainerRecord): NetworkSettings;
  ports(record: ContainerRecord): Port[];
  /** settings() and ports() of many containers (a list), reading the network store once rather than per container. */
  views(records: ContainerRecord[]): { settings: NetworkSettings; ports: Port[] }[];
  /** After a daemon restart, once containers are restored: orphans go, rules are rebuilt. */
  restore(): Promise<void>;
}
