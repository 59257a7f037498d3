// What the workloads need from an engine under test: where the docker CLI reaches it, and its processes.

export type EngineName = 'berth' | 'docker';

export interface Engine {
  name: EngineName;
  /** e.g. "berthd 0.1.0" or "dockerd 20.10.24 + containerd 1.6.20" */
  label: string;
  socketPath: string;
  /** Roots of this engine: every process and mount of it names a path under here. */
  workDir: string;
  /** The daemon's log (berthd only: the phase timings of a profiled run are read from it). */
  logFile?: string;
  /** Environment for the docker CLI (and berth's) pointed at this daemon. */
  env: NodeJS.ProcessEnv;
  /** The daemon's long-lived processes (berthd; dockerd and its containerd). */
  daemonPids(): Promise<number[]>;
  /** Per-container supervisors (conmon; containerd-shim-runc-v2). */
  supervisorPids(): Promise<number[]>;
  /** Removes every container, stops the daemon, kills leftovers, unmounts and deletes the roots. */
  stop(): Promise<void>;
}

/** The docker CLI environment for a socket, with its own config dir so ~/.docker is left alone. */
export function cliEnv(socketPath: string, configDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DOCKER_HOST: `unix://${socketPath}`,
    BERTH_HOST: `unix://${socketPath}`,
    DOCKER_CONFIG: configDir,
    DOCKER_CLI_HINTS: 'false',
  };
}
