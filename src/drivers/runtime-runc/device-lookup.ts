// Host device nodes named by a container's HostConfig (Devices, blkio device lists): a node is stat()ed after
// following links (/dev/disk/by-id/...), a directory gives every node below it, as Docker's --device /dev/snd.
import { realpath, stat } from 'node:fs/promises';
import { invalidArgument } from '../../core/errdefs.js';
import type { HostDeviceNode } from '../../core/runtime/devices.js';
import { hostDevices } from './host-facts.js';

const majorOf = (rdev: number): number => Number((BigInt(rdev) >> 8n) & 0xfffn);
const minorOf = (rdev: number): number => Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & 0xfff00n));

export async function lookupDevice(path: string): Promise<HostDeviceNode[]> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (err) {
    throw invalidArgument(
      `error gathering device information while adding custom device "${path}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`,
    );
  }
  const st = await stat(real);
  if (st.isDirectory()) {
    const nodes = await hostDevices(real);
    const real2host = (p: string): string => path.replace(/\/+$/, '') + p.slice(real.length);
    return nodes.map((n) => ({
      path: real2host(n.path),
      type: n.type as 'c' | 'b',
      major: n.major ?? 0,
      minor: n.minor ?? 0,
      fileMode: n.fileMode ?? 0o660,
      uid: n.uid ?? 0,
      gid: n.gid ?? 0,
    }));
  }
  if (!st.isCharacterDevice() && !st.isBlockDevice())
    throw invalidArgument(`error gathering device information while adding custom device "${path}": not a device node`);
  return [
    {
      path,
      type: st.isCharacterDevice() ? 'c' : 'b',
      major: majorOf(st.rdev),
      minor: minorOf(st.rdev),
      fileMode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
    },
  ];
}

export async function lookupDevices(paths: string[]): Promise<Map<string, HostDeviceNode[]>> {
  return new Map(await Promise.all(paths.map(async (p) => [p, await lookupDevice(p)] as const)));
}
