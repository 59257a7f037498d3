// HostInfo read from /proc, /etc/os-release and the node:os module.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import os from 'node:os';
import type { HostFacts, HostInfo } from '../../core/system/host-info.js';

const GO_ARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
};

function readOsRelease(): { name: string; version: string } {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const field = (key: string): string | undefined => {
      const m = new RegExp(`^${key}=(.*)$`, 'm').exec(text);
      return m?.[1]?.replace(/^"|"$/g, '');
    };
    return { name: field('PRETTY_NAME') ?? 'Linux', version: field('VERSION_ID') ?? '' };
  } catch {
    return { name: 'Linux', version: '' };
  }
}

/** The cgroup layout this host mounts: v2 when the unified hierarchy is at /sys/fs/cgroup. */
export const detectCgroupVersion = (): '1' | '2' => (existsSync('/sys/fs/cgroup/cgroup.controllers') ? '2' : '1');

export class NodeHostInfo implements HostInfo {
  private cached: HostFacts | undefined;

  constructor(private readonly toolVersions: Record<string, string> = {}) {}

  facts(): HostFacts {
    if (this.cached) return this.cached;
    const release = readOsRelease();
    this.cached = {
      hostname: os.hostname(),
      kernelVersion: os.release(),
      operatingSystem: release.name,
      osVersion: release.version,
      architecture: os.machine(),
      goArch: GO_ARCH[process.arch] ?? process.arch,
      ncpu: os.availableParallelism(),
      memTotal: os.totalmem(),
      cgroupVersion: detectCgroupVersion(),
      toolVersions: this.toolVersions,
    };
    return this.cached;
  }

  openFileCount(): number {
    try {
      return readdirSync('/proc/self/fd').length;
    } catch {
      return 0;
    }
  }
}
