// The processes of a container with no cgroup of its own (rootless on cgroup v1, where none is delegated):
// every process in its init's pid namespace, by the kernel's identity of that namespace (the /proc/<pid>/ns/pid
// link). Processes in pid namespaces nested below the container's are not listed.
import { readdir, readlink } from 'node:fs/promises';

export async function pidNamespaceMembers(initPid: number): Promise<number[]> {
  const target = await readlink(`/proc/${initPid}/ns/pid`);
  const members: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    if ((await readlink(`/proc/${name}/ns/pid`).catch(() => undefined)) === target) members.push(Number(name));
  }
  return members.sort((a, b) => a - b);
}
