// Devices for the OCI spec: `--device` entries (host nodes, looked up by the runtime driver, made in the container
// and allowed in the device cgroup with their permissions), `--device-cgroup-rule` lines, and the blkio device
// lists, which name a block device by its host path and reach the cgroup as major:minor.
import { invalidArgument } from '../errdefs.js';
import type { OciDevice, OciDeviceCgroup } from '../../spec/oci/runtime-spec.js';

/** A host device node as stat() found it. */
export interface HostDeviceNode {
  path: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

/** HostConfig.Devices[] with its host nodes looked up (a directory such as /dev/snd gives every node below it). */
export interface SpecDevice {
  pathOnHost: string;
  pathInContainer: string;
  /** r, w and m in any order. */
  permissions: string;
  nodes: HostDeviceNode[];
}

export function parseDevicePermissions(mode: string): string {
  if (!/^[rwm]{1,3}$/.test(mode) || new Set(mode).size !== mode.length)
    throw invalidArgument(`Devices: invalid device mode: ${mode}`);
  return mode;
}

/** "c 1:3 rwm", "b 8:* r", "a *:* m": Docker's --device-cgroup-rule. */
export function parseDeviceCgroupRule(rule: string): OciDeviceCgroup {
  const m = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/.exec(rule);
  if (!m) throw invalidArgument(`DeviceCgroupRules: invalid device cgroup rule format: '${rule}'`);
  const [, type, major, minor, access] = m as unknown as [string, string, string, string, string];
  return {
    allow: true,
    type,
    ...(major === '*' ? {} : { major: Number(major) }),
    ...(minor === '*' ? {} : { minor: Number(minor) }),
    access,
  };
}

/** Nodes made in the container: under the container path, keeping their place below a device directory. */
export function containerDeviceNodes(devices: SpecDevice[]): OciDevice[] {
  const out: OciDevice[] = [];
  for (const d of devices) {
    for (const n of d.nodes) {
      const path =
        n.path === d.pathOnHost
          ? d.pathInContainer
          : d.pathInContainer.replace(/\/+$/, '') + n.path.slice(d.pathOnHost.replace(/\/+$/, '').length);
      out.push({ path, type: n.type, major: n.major, minor: n.minor, fileMode: n.fileMode, uid: n.uid, gid: n.gid });
    }
  }
  return out;
}

export function deviceCgroupAllows(devices: SpecDevice[]): OciDeviceCgroup[] {
  return devices.flatMap((d) =>
    d.nodes.map((n) => ({ allow: true, type: n.type, major: n.major, minor: n.minor, access: d.permissions })),
  );
}

/** One blkio entry with its device as major:minor. */
export interface BlkioDeviceValue {
  major: number;
  minor: number;
  value: number;
}

export interface SpecBlkio {
  weight?: number;
  weightDevice: BlkioDeviceValue[];
  readBps: BlkioDeviceValue[];
  writeBps: BlkioDeviceValue[];
  readIOps: BlkioDeviceValue[];
  writeIOps: BlkioDeviceValue[];
}

/** HostConfig's [{Path, Weight|Rate}] with the paths looked up; a path that is no block device is refused by name. */
export function blkioDevices(
  field: string,
  entries: unknown[] | null | undefined,
  lookup: (path: string) => HostDeviceNode | undefined,
): BlkioDeviceValue[] {
  return ((entries ?? []) as { Path: string; Weight?: number; Rate?: number }[]).map((e) => {
    const node = lookup(e.Path);
    if (!node || node.type !== 'b') throw invalidArgument(`${field}: ${e.Path} is not a block device`);
    return { major: node.major, minor: node.minor, value: e.Weight ?? e.Rate ?? 0 };
  });
}
