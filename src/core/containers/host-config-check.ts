// HostConfig at create: every field berth cannot honour on this host is refused here with a 400 that names it
// (Docker's own wording where Docker refuses too), so nothing is dropped without a word; and Docker's defaults
// that inspect shows (IpcMode, CgroupnsMode, Runtime, masked and read-only paths) are filled in.
import { invalidArgument } from '../errdefs.js';
import type { HostConfig } from '../../spec/docker/containers.js';
import { DEFAULT_SHM_SIZE, MASKED_PATHS, READONLY_PATHS } from '../runtime/docker-defaults.js';
import { parseDeviceCgroupRule, parseDevicePermissions } from '../runtime/devices.js';
import { checkLimitValues, type HostCpus } from './resource-check.js';

/** What this host and daemon can do, found once at start. */
export interface HostConfigSupport {
  cgroupVersion: '1' | '2';
  /** Names of the runtimes the daemon knows (daemon.json `runtimes`, plus runc). */
  runtimes: string[];
  defaultRuntime: string;
  /** blkio.weight (v1) or io.weight (v2): a proportional I/O scheduler is there. */
  blkioWeight: boolean;
  /** Real-time group scheduling with a budget for containers' parent cgroup. */
  cpuRealtime: boolean;
  /** memory.kmem.tcp (cgroup v1 only). */
  kernelMemoryTcp: boolean;
  /** Set when no cgroup limit can be applied at all, saying why (rootless on cgroup v1: nothing is delegated). */
  limitsUnavailable?: string;
  /** The CPUs NanoCpus and CpusetCpus are checked against (unknown: not checked). */
  cpus?: HostCpus;
}

export const DEFAULT_HOST_SUPPORT: HostConfigSupport = {
  cgroupVersion: '2',
  runtimes: ['runc'],
  defaultRuntime: 'runc',
  blkioWeight: false,
  cpuRealtime: false,
  kernelMemoryTcp: false,
};

const UNKNOWN_CPUS: HostCpus = { cpuCount: 0, cpuset: '' };

const refuse = (message: string): Error => invalidArgument(message);
const nonEmpty = (v: unknown): boolean =>
  Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== '' && v !== 0 && v !== false;

/** "host", "private", "shareable", "none", "container:<ref>" as Docker reads them; `allowed` lists the plain words. */
function checkMode(field: string, value: string | undefined, allowed: string[]): void {
  if (!value) return;
  if (value.startsWith('container:') && value.length > 'container:'.length) return;
  if (!allowed.includes(value))
    throw refuse(`invalid ${field}: "${value}" (${[...allowed, 'container:<name|id>'].join(', ')})`);
}

/** The container names a namespace mode refers to ("container:<ref>"), to be checked before anything is made. */
export function namespaceDonors(hc: HostConfig): { field: string; ref: string }[] {
  const out: { field: string; ref: string }[] = [];
  for (const field of ['PidMode', 'IpcMode', 'UTSMode'] as const) {
    const v = hc[field];
    if (v?.startsWith('container:')) out.push({ field, ref: v.slice('container:'.length) });
  }
  return out;
}

/** The block I/O weight: Docker's range, and berth's refusal where no proportional scheduler is there (Docker drops
 * the weight with a warning). Shared by create and update. */
export function checkBlkioWeight(hc: Partial<HostConfig>, support: HostConfigSupport): void {
  if (hc.BlkioWeight && (hc.BlkioWeight < 10 || hc.BlkioWeight > 1000))
    throw refuse('Range of blkio weight is from 10 to 1000');
  if ((hc.BlkioWeight || nonEmpty(hc.BlkioWeightDevice)) && !support.blkioWeight) {
    const field = hc.BlkioWeight ? 'BlkioWeight' : 'BlkioWeightDevice';
    throw refuse(
      `${field}: your kernel does not support Block I/O weight or the cgroup is not mounted (no proportional I/O scheduler)`,
    );
  }
}

function checkResources(hc: HostConfig, support: HostConfigSupport): void {
  checkLimitValues(hc, support.cpus ?? UNKNOWN_CPUS, { update: false });
  checkBlkioWeight(hc, support);
  for (const w of (hc.BlkioWeightDevice ?? []) as { Path?: string; Weight?: number }[]) {
    if (!w.Path || !w.Weight || w.Weight < 10 || w.Weight > 1000)
      throw refuse(
        `BlkioWeightDevice: invalid weight device ${JSON.stringify(w)} (a Path and a Weight from 10 to 1000)`,
      );
  }
  for (const field of [
    'BlkioDeviceReadBps',
    'BlkioDeviceWriteBps',
    'BlkioDeviceReadIOps',
    'BlkioDeviceWriteIOps',
  ] as const) {
    for (const t of (hc[field] ?? []) as { Path?: string; Rate?: number }[]) {
      if (!t.Path || typeof t.Rate !== 'number' || t.Rate < 0)
        throw refuse(`${field}: invalid throttle device ${JSON.stringify(t)} (a Path and a Rate)`);
    }
  }
  if ((hc.CpuRealtimePeriod || hc.CpuRealtimeRuntime) && !support.cpuRealtime) {
    const field = hc.CpuRealtimeRuntime ? 'CpuRealtimeRuntime' : 'CpuRealtimePeriod';
    throw refuse(
      `${field}: real-time CPU scheduling is not available to containers (no RT group scheduling budget for berthd's cgroup)`,
    );
  }
  if (hc.CpuRealtimeRuntime && hc.CpuRealtimePeriod && hc.CpuRealtimeRuntime > hc.CpuRealtimePeriod)
    throw refuse('cpu-rt-runtime can not be greater than cpu-rt-period');
  if (
    hc.MemorySwappiness !== undefined &&
    hc.MemorySwappiness !== null &&
    hc.MemorySwappiness !== -1 &&
    (hc.MemorySwappiness < 0 || hc.MemorySwappiness > 100)
  ) {
    throw refuse(`Invalid value: ${hc.MemorySwappiness}, valid memory swappiness range is 0-100`);
  }
  if (
    hc.MemorySwappiness !== undefined &&
    hc.MemorySwappiness !== null &&
    hc.MemorySwappiness !== -1 &&
    support.cgroupVersion === '2'
  ) {
    throw refuse('MemorySwappiness: not supported on cgroup v2');
  }
  if (hc.OomKillDisable && support.cgroupVersion === '2')
    throw refuse('OomKillDisable: your kernel does not support OomKillDisable (cgroup v2)');
  if (hc.KernelMemoryTCP && !support.kernelMemoryTcp)
    throw refuse('KernelMemoryTCP: kernel memory TCP limits are not applied on this host (runc sets no kmem limits)');
  if (hc.CpuCount) throw refuse('CpuCount: linux does not support CPU count (a Windows option)');
  if (hc.CpuPercent) throw refuse('CpuPercent: linux does not support CPU percent (a Windows option)');
  if (hc.IOMaximumIOps)
    throw refuse('Invalid QoS settings: linux does not support configuration of maximum IOPs (IOMaximumIOps)');
  if (hc.IOMaximumBandwidth)
    throw refuse(
      'Invalid QoS settings: linux does not support configuration of maximum bandwidth (IOMaximumBandwidth)',
    );
  if (nonEmpty(hc.DeviceRequests)) {
    const caps = JSON.stringify(
      ((hc.DeviceRequests ?? []) as { Capabilities?: unknown }[]).map((r) => r.Capabilities ?? []).flat(),
    );
    throw refuse(
      `DeviceRequests: could not select device driver "" with capabilities: ${caps} (berth has no GPU device drivers)`,
    );
  }
  for (const d of hc.Devices ?? []) {
    if (!d.PathOnHost) throw refuse('Devices: PathOnHost must be set');
    parseDevicePermissions(d.CgroupPermissions || 'rwm');
  }
  for (const rule of hc.DeviceCgroupRules ?? []) parseDeviceCgroupRule(rule);
}

/** The HostConfig fields that are cgroup limits, and whether a value asks for one (0, -1 and null ask for none). */
const LIMIT_FIELDS: [keyof HostConfig, (v: unknown) => boolean][] = [
  ['Memory', (v) => typeof v === 'number' && v > 0],
  ['MemoryReservation', (v) => typeof v === 'number' && v > 0],
  ['MemorySwap', (v) => typeof v === 'number' && v > 0],
  ['MemorySwappiness', (v) => typeof v === 'number' && v !== -1],
  ['KernelMemoryTCP', (v) => typeof v === 'number' && v > 0],
  ['NanoCpus', (v) => typeof v === 'number' && v > 0],
  ['CpuShares', (v) => typeof v === 'number' && v > 0],
  ['CpuPeriod', (v) => typeof v === 'number' && v > 0],
  ['CpuQuota', (v) => typeof v === 'number' && v > 0],
  ['CpuRealtimePeriod', (v) => typeof v === 'number' && v > 0],
  ['CpuRealtimeRuntime', (v) => typeof v === 'number' && v > 0],
  ['CpusetCpus', nonEmpty],
  ['CpusetMems', nonEmpty],
  ['PidsLimit', (v) => typeof v === 'number' && v > 0],
  ['BlkioWeight', (v) => typeof v === 'number' && v > 0],
  ['BlkioWeightDevice', nonEmpty],
  ['BlkioDeviceReadBps', nonEmpty],
  ['BlkioDeviceWriteBps', nonEmpty],
  ['BlkioDeviceReadIOps', nonEmpty],
  ['BlkioDeviceWriteIOps', nonEmpty],
  ['OomKillDisable', (v) => v === true],
  ['DeviceCgroupRules', nonEmpty],
];

/** The first cgroup limit a HostConfig (or an update's resources) asks for, by field name. */
export function requestedLimit(hc: Partial<HostConfig>): keyof HostConfig | undefined {
  return LIMIT_FIELDS.find(([field, asks]) => asks(hc[field]))?.[0];
}

/** An update's new values alone (Docker's verifyContainerSettings with update set), before the container is looked at. */
export function checkUpdateValues(r: Partial<HostConfig>, support: HostConfigSupport): void {
  checkLimitsAvailable(r, support);
  checkLimitValues(r, support.cpus ?? UNKNOWN_CPUS, { update: true });
  checkBlkioWeight(r, support);
}

/** Refuses any cgroup limit when the host can apply none (rootless on cgroup v1), naming the field and why. */
export function checkLimitsAvailable(hc: Partial<HostConfig>, support: HostConfigSupport): void {
  const field = support.limitsUnavailable === undefined ? undefined : requestedLimit(hc);
  if (field) throw refuse(`${field}: resource limits are not available: ${support.limitsUnavailable}`);
}

export function checkHostConfig(hc: HostConfig, support: HostConfigSupport): void {
  checkLimitsAvailable(hc, support);
  checkResources(hc, support);
  if (hc.Isolation && hc.Isolation !== 'default')
    throw refuse(`Invalid Isolation: "${hc.Isolation}" - linux only supports 'default'`);
  if (hc.StorageOpt && Object.keys(hc.StorageOpt).length > 0)
    throw refuse(
      "StorageOpt: --storage-opt is supported only for overlay over xfs with 'pquota' mount option (berth's snapshotters have no per-container quota)",
    );
  if (hc.UsernsMode && hc.UsernsMode !== 'host')
    throw refuse(`invalid UsernsMode: "${hc.UsernsMode}" (only "host": berthd runs without user namespace remapping)`);
  if (hc.Cgroup) throw refuse(`Cgroup: joining another container's cgroup ("${hc.Cgroup}") is not supported`);
  if (hc.VolumeDriver && hc.VolumeDriver !== 'local')
    throw refuse(
      `VolumeDriver: error looking up volume plugin ${hc.VolumeDriver}: plugin "${hc.VolumeDriver}" not found`,
    );
  checkMode('PidMode', hc.PidMode, ['host']);
  checkMode('IpcMode', hc.IpcMode, ['host', 'private', 'shareable', 'none']);
  checkMode('UTSMode', hc.UTSMode, ['host']);
  if (hc.CgroupnsMode && !['host', 'private'].includes(hc.CgroupnsMode))
    throw refuse(`invalid cgroup namespace mode: ${hc.CgroupnsMode}`);
  if (hc.Runtime && !support.runtimes.includes(hc.Runtime)) throw refuse(`Unknown runtime specified ${hc.Runtime}`);
  for (const field of ['MaskedPaths', 'ReadonlyPaths'] as const) {
    for (const p of hc[field] ?? [])
      if (typeof p !== 'string' || !p.startsWith('/'))
        throw refuse(`${field}: ${JSON.stringify(p)} is not an absolute path`);
  }
  if (hc.OomScoreAdj !== undefined && (hc.OomScoreAdj < -1000 || hc.OomScoreAdj > 1000))
    throw refuse(`Invalid value ${hc.OomScoreAdj}, range for oom score adj is [-1000, 1000]`);
  if (hc.Annotations && Object.entries(hc.Annotations).some(([k, v]) => !k || typeof v !== 'string'))
    throw refuse('Annotations: keys must be non-empty and values strings');
}

/** Docker's defaults as inspect shows them after create; `systempathsUnconfined` leaves the path lists empty. */
export function withHostConfigDefaults(hc: HostConfig, support: HostConfigSupport): HostConfig {
  const out: HostConfig = { ...hc };
  out.IpcMode = hc.IpcMode || 'private';
  out.CgroupnsMode = hc.CgroupnsMode || (support.cgroupVersion === '2' ? 'private' : 'host');
  out.Runtime = hc.Runtime || support.defaultRuntime;
  out.ShmSize = hc.ShmSize && hc.ShmSize > 0 ? hc.ShmSize : DEFAULT_SHM_SIZE; // recorded, as dockerd does
  // A memory limit without a swap limit gets twice as much memory+swap, recorded (inspect shows it, and `docker
  // update --memory` is checked against it), as dockerd does.
  if (hc.Memory && hc.Memory > 0 && !hc.MemorySwap) out.MemorySwap = hc.Memory * 2;
  const unconfined = (hc.SecurityOpt ?? []).some((o) => /^systempaths[=:]unconfined$/.test(o));
  if (!hc.Privileged) {
    out.MaskedPaths = hc.MaskedPaths ?? (unconfined ? [] : MASKED_PATHS);
    out.ReadonlyPaths = hc.ReadonlyPaths ?? (unconfined ? [] : READONLY_PATHS);
  }
  return out;
}
