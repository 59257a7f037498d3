// The normalised application model: what the loader produces from one or more compose files, what `config` prints,
// and what the planner turns into containers, networks and volumes. Field names follow the Compose Specification.

export interface Project {
  name: string;
  /** The project directory: relative paths in the files are resolved against it. */
  workingDir: string;
  /** The compose files, absolute, in the order given. */
  configFiles: string[];
  /** The `--env-file` files, absolute, when any was given (Compose v2 records them in a label, as berth does). */
  envFiles?: string[];
  /** The services of the active profiles, by name. */
  services: Record<string, ServiceConfig>;
  /** Services left out because none of their profiles is active (for `down` and orphans). */
  disabledServices: string[];
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  secrets: Record<string, FileObject>;
  configs: Record<string, FileObject>;
}

/** A top-level secret or config: a host file, or text (an environment variable's value, or a config's `content`). */
export type FileObject = { name: string; file: string } | { name: string; content: string };

/** A service's use of a secret or config: where the file appears in the container. */
export interface FileMount {
  /** The key in the project's `secrets` or `configs`. */
  source: string;
  /** Absolute: /run/secrets/<name> for secrets, /<name> for configs unless given. */
  target: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

export interface ServiceConfig {
  name: string;
  /** The image to run; for a service with `build` and no `image`, `<project>-<service>`. */
  image: string;
  build?: BuildConfig;
  command?: string[];
  entrypoint?: string[];
  environment: Record<string, string>;
  ports: PortConfig[];
  expose: string[];
  volumes: VolumeMount[];
  /** Network key (in `networks`) -> how the service joins it. */
  networks: Record<string, ServiceNetwork>;
  dependsOn: Record<string, Dependency>;
  healthcheck?: Healthcheck;
  restart?: string;
  labels: Record<string, string>;
  user?: string;
  workingDir?: string;
  hostname?: string;
  domainname?: string;
  extraHosts: string[];
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  readOnly: boolean;
  init?: boolean;
  stopSignal?: string;
  /** Seconds. */
  stopGracePeriod?: number;
  tmpfs: string[];
  /** dns, dns_search, dns_opt, sysctls, ulimits: absent when the file has none (so older hashes stay the same). */
  dns?: string[];
  dnsSearch?: string[];
  dnsOpt?: string[];
  sysctls?: Record<string, string>;
  ulimits?: { name: string; soft: number; hard: number }[];
  /** logging, devices, deploy.resources: absent when the file has none, likewise (runtime-options.ts). */
  logging?: Logging;
  devices?: DeviceMapping[];
  resources?: Resources;
  replicas: number;
  containerName?: string;
  profiles: string[];
  tty: boolean;
  stdinOpen: boolean;
  secrets: FileMount[];
  configs: FileMount[];
}

/** `logging`: HostConfig.LogConfig (no driver: the engine's default driver, with these options). */
export interface Logging {
  driver?: string;
  options: Record<string, string>;
}

/** One of `devices`: HostConfig.Devices' PathOnHost, PathInContainer, CgroupPermissions. */
export interface DeviceMapping {
  source: string;
  target: string;
  permissions: string;
}

/** What Compose v2 sends to one engine of deploy.resources: NanoCpus, Memory and MemoryReservation in bytes, PidsLimit. */
export interface Resources {
  nanoCpus?: number;
  memory?: number;
  memoryReservation?: number;
  pids?: number;
}

/** A secret a build's `RUN --mount=type=secret,id=ID` reads: a top-level secret under the ID `target` (default: its
 * key), served to the engine's BuildKit over the CLI's session. */
export interface BuildSecret {
  id: string;
  /** The key in the project's `secrets`. */
  source: string;
  value: FileObject;
}

/** A service's `build`: sent to the Engine API's /build (the classic protocol, which both engines speak; BuildKit's,
 * version=2 with a session, when the build has secrets). */
export interface BuildConfig {
  /** Absolute. */
  context: string;
  /** Absolute. */
  dockerfile: string;
  /** Build arguments; a name given without a value and not set in the environment is left out. */
  args: Record<string, string>;
  target?: string;
  labels: Record<string, string>;
  secrets: BuildSecret[];
  /** The service names its image (`image:`); otherwise it is `<project>-<service>`, local to this project. */
  named: boolean;
}

export interface PortConfig {
  target: number;
  /** A port or a range (`8000-8005`); absent: a port chosen by the engine. */
  published?: string;
  hostIp?: string;
  protocol: 'tcp' | 'udp' | 'sctp';
}

export type VolumeMount =
  | { type: 'volume'; source?: string; target: string; readOnly: boolean; nocopy: boolean }
  | {
      type: 'bind';
      source: string;
      target: string;
      readOnly: boolean;
      createHostPath: boolean;
      propagation?: string;
      selinux?: string;
    }
  | { type: 'tmpfs'; target: string; readOnly: boolean; size?: number; mode?: number };

export interface ServiceNetwork {
  aliases: string[];
  ipv4Address?: string;
  ipv6Address?: string;
}

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface Dependency {
  condition: DependencyCondition;
  restart: boolean;
  required: boolean;
}

export interface Healthcheck {
  test?: string[];
  /** Nanoseconds, as the Engine API takes them. */
  interval?: number;
  timeout?: number;
  startPeriod?: number;
  startInterval?: number;
  retries?: number;
  disable: boolean;
}

export interface NetworkConfig {
  /** The engine's name: `<project>_<key>` unless named or external. */
  name: string;
  external: boolean;
  driver?: string;
  driverOpts: Record<string, string>;
  labels: Record<string, string>;
  internal: boolean;
  attachable: boolean;
  enableIpv6?: boolean;
  ipam?: { driver?: string; config: { subnet?: string; gateway?: string; ipRange?: string }[] };
}

export interface VolumeConfig {
  /** The engine's name: `<project>_<key>` unless named or external. */
  name: string;
  external: boolean;
  driver?: string;
  driverOpts: Record<string, string>;
  labels: Record<string, string>;
}
