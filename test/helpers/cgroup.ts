// Where tests find a container's cgroup on either version (berth puts it at /berth/<id>), and its files read
// by their v1 names: on v2 the unified file of the same meaning is read and its value given in v1 form.
import { existsSync, readFileSync } from 'node:fs';
import { CgroupTree } from '../../src/drivers/runtime-runc/cgroup-tree.js';

export const hostCgroupVersion: '1' | '2' = existsSync('/sys/fs/cgroup/cgroup.controllers') ? '2' : '1';
const tree = new CgroupTree(hostCgroupVersion);

/** The container's cgroup directory in a controller's hierarchy (v1), or its one directory (v2). */
export const containerCgroupDir = (id: string, controller: string): string => tree.dir(controller, `/berth/${id}`);

const V2_FILES: Record<string, { file: string; value(v2: string): string }> = {
  'memory.limit_in_bytes': { file: 'memory.max', value: (v) => v },
  'pids.max': { file: 'pids.max', value: (v) => v },
  'freezer.state': { file: 'cgroup.freeze', value: (v) => (v === '1' ? 'FROZEN' : 'THAWED') },
};

/** A cgroup file of the container by its v1 name, trimmed. */
export function readContainerCgroup(id: string, controller: string, v1File: string): string {
  const dir = containerCgroupDir(id, controller);
  if (hostCgroupVersion === '1') return readFileSync(`${dir}/${v1File}`, 'utf8').trim();
  const v2 = V2_FILES[v1File];
  if (!v2) throw new Error(`no v2 counterpart known for ${v1File}`);
  return v2.value(readFileSync(`${dir}/${v2.file}`, 'utf8').trim());
}
