// OCI runtime-spec config.json, the parts berth writes (schema: oci-runtime-spec-schema/config-schema.json).

export interface OciMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export interface OciRuntimeSpec {
  ociVersion: string;
  process: {
    terminal: boolean;
    user: { uid: number; gid: number; additionalGids?: number[] };
    args: string[];
    env: string[];
    cwd: string;
    capabilities: { bounding: string[]; effective: string[]; permitted: string[]; inheritable?: string[] };
    rlimits?: { type: string; hard: number; soft: number }[];
    noNewPrivileges?: boolean;
    oomScoreAdj?: number;
  };
  root: { path: string; readonly: boolean };
  hostname?: string;
  domainname?: string;
  mounts: OciMount[];
  linux: {
    namespaces: { type: string; path?: string }[];
    resources?: {
      devices?: { allow: boolean; type?: string; major?: number; minor?: number; access?: string }[];
      memory?: { limit?: number; swap?: number; reservation?: number; disableOOMKiller?: boolean };
      cpu?: { shares?: number; quota?: number; period?: number; cpus?: string; mems?: string };
      pids?: { limit: number };
    };
    cgroupsPath?: string;
    sysctl?: Record<string, string>;
    seccomp?: unknown;
    maskedPaths?: string[];
    readonlyPaths?: string[];
  };
}
