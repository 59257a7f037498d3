// The OCI spec an engine itself writes for a container like the run row's (Docker's default spec, its seccomp
// profile included), read from the bundle of a container berthd runs, for the like-for-like runc floor.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../engines/engine.js';
import { BUSYBOX, NO_NETWORK, containerId, docker } from '../workloads/cli.js';
import type { OciSpec } from './runc-floor.js';

interface Mount {
  destination: string;
  source?: string;
  type?: string;
  options?: string[];
}

interface EngineSpec extends OciSpec {
  mounts?: Mount[];
  hooks?: unknown;
  annotations?: unknown;
  linux?: { namespaces?: { type: string; path?: string }[]; cgroupsPath?: string };
}

/** What Docker's spec mounts on /dev/shm for a private IPC namespace (berth binds a file of its own there). */
const SHM: Mount = {
  destination: '/dev/shm',
  type: 'tmpfs',
  source: 'shm',
  options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
};

/**
 * The spec of `docker run --rm --network none busybox` on berthd, from its bundle (<data root>/containers/<id>/bundle),
 * without what names that one container: its /etc files and /dev/shm (files in berthd's root; /dev/shm becomes the
 * tmpfs Docker mounts), namespace paths (runc makes new ones, as for `--network none`), its cgroup path (runc names
 * one after its container), hooks and annotations. Everything else stays: capabilities, seccomp, masked and
 * read-only paths, devices, rlimits, sysctls.
 */
export async function berthRunSpec(berth: Engine): Promise<OciSpec> {
  // --rm and a kill, as the row's own runs end: the workload's phase medians see one more run of the same kind.
  const id = containerId(await docker(berth, ['run', '-d', '--rm', ...NO_NETWORK, BUSYBOX, 'sleep', '600']));
  let text: string;
  try {
    text = await readFile(join(berth.workDir, 'root', 'containers', id, 'bundle', 'config.json'), 'utf8');
  } finally {
    await docker(berth, ['kill', id]);
  }
  const spec = JSON.parse(text) as EngineSpec;
  const own = (m: Mount): boolean => m.source !== undefined && m.source.startsWith(berth.workDir + '/');
  spec.mounts = (spec.mounts ?? []).flatMap((m) => (!own(m) ? [m] : m.destination === '/dev/shm' ? [SHM] : []));
  for (const ns of spec.linux?.namespaces ?? []) delete ns.path;
  if (spec.linux) delete spec.linux.cgroupsPath;
  delete spec.hooks;
  delete spec.annotations;
  return spec;
}
