// Facts about the host the daemon runs on, read once at start (kernel, OS, CPUs, memory, cgroups)
// and versions of the host tools berth drives. Implemented in drivers/host.

export interface HostFacts {
  hostname: string;
  kernelVersion: string;
  operatingSystem: string;
  osVersion: string;
  architecture: string;
  /** Go-style arch name as Docker reports it ("amd64", "arm64"). */
  goArch: string;
  ncpu: number;
  memTotal: number;
  cgroupVersion: '1' | '2';
  /** Version strings of host tools by name ("runc", "conmon"), when found. */
  toolVersions: Record<string, string>;
}

export interface HostInfo {
  facts(): HostFacts;
  /** Open file descriptors of the daemon process, for /info's NFd. */
  openFileCount(): number;
}
