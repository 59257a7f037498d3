// The OCI bundle of one container: its rootfs mounted at <bundle>/rootfs from the snapshotter's mounts,
// the user resolved in the image's /etc/passwd and /etc/group, and config.json with Docker's defaults.
import { readFileSync } from 'node:fs';
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { resolveInRoot } from '../../lib/fs/in-root.js';
import { FdRoot } from '../../lib/fs/fd-root.js';
import { failedPrecondition } from '../../core/errdefs.js';
import { buildOciSpec, serializeOciSpec, type HostRuntimeFacts } from '../../core/runtime/oci-spec.js';
import { hostDevicePaths, specInputFromRecord } from '../../core/runtime/spec-from-record.js';
import { lookupDevices } from './device-lookup.js';
import { resolveUser } from '../../core/runtime/user.js';
import type { RunRequest } from '../../core/runtime/runtime.js';
import type { Mount } from '../../core/snapshots/snapshotter.js';
import type { OciRuntimeSpec } from '../../spec/oci/runtime-spec.js';
import { copyUpVolumes } from './volume-copy-up.js';
import { bindMount, mountOverlay, unmount } from '../../lib/mount.js';
import { mountWithVolatileFallback } from '../../lib/fs/overlay-volatile.js';

export async function mountRootfs(
  mounts: Mount[],
  target: string,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  // A directory made just now has nothing mounted on it; one that was there may hold a layer a failed start left.
  if ((await mkdir(target, { recursive: true })) === undefined) await unmountRootfs(target);
  for (const m of mounts) {
    if (m.type === 'bind') await bindMount(m.source, target, { signal: options.signal });
    else await mountWithVolatileFallback(m.options, (o) => mountOverlay(o, target, { signal: options.signal }));
  }
}

/** How many mounts are stacked on each target: one synchronous read of mountinfo (in-kernel) for all of them. */
function mountDepths(targets: string[]): number[] {
  let points: string[];
  try {
    points = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '');
  } catch {
    return targets.map(() => 0);
  }
  return targets.map((t) => points.filter((p) => p === t).length);
}

/**
 * Unmounts every layer stacked on each target (a retried start may have left one): mountinfo is read once, then
 * each target is unmounted as many times as it listed (each unmount takes the top one), the targets side by side.
 */
export async function unmountRootfs(...targets: string[]): Promise<void> {
  const depths = mountDepths(targets);
  await Promise.all(
    targets.map(async (target, i) => {
      for (let left = depths[i] ?? 0; left > 0; left--)
        await unmount(target).catch(() => unmount(target, { lazy: true }));
    }),
  );
}

export const readInRoot = (root: string, path: string): Promise<string> =>
  resolveInRoot(root, path)
    .then((p) => readFile(p, 'utf8'))
    .catch(() => '');

export async function writeBundle(
  request: RunRequest,
  rootfs: string,
  host: HostRuntimeFacts,
  initPath: string | undefined,
  ipcShmSource?: string,
): Promise<OciRuntimeSpec> {
  const { record: c, paths } = request;
  const [passwd, group] = await Promise.all([readInRoot(rootfs, '/etc/passwd'), readInRoot(rootfs, '/etc/group')]);
  const user = resolveUser(c.config.User ?? '', passwd, group, c.hostConfig.GroupAdd ?? []);
  const hostDevices = await lookupDevices(hostDevicePaths(c.hostConfig));
  const spec = buildOciSpec(
    specInputFromRecord({
      record: c,
      mounts: request.mounts,
      user,
      rootfsPath: rootfs,
      etcFiles: { hosts: paths.hostsPath, hostname: paths.hostnamePath, resolvConf: paths.resolvConfPath },
      initPath: c.hostConfig.Init ? initPath : undefined,
      hostHostname: hostname(),
      ...(request.netnsPath ? { netnsPath: request.netnsPath } : {}),
      ...(request.namespacePaths ? { namespacePaths: request.namespacePaths } : {}),
      ...(ipcShmSource ? { ipcShmSource } : {}),
      hostDevices,
      ...(request.extraEnv ? { extraEnv: request.extraEnv } : {}),
    }),
    host,
  );
  // The client's window size from the create request (docker run -it), so the TTY has it from the first byte.
  const size = c.hostConfig.ConsoleSize;
  if (spec.process.terminal && Array.isArray(size) && size[0] > 0 && size[1] > 0)
    spec.process.consoleSize = { height: size[0], width: size[1] };
  await refuseLinkedDev(rootfs);
  // runc refuses a missing cwd only late and vaguely; Docker creates it (here through held directories, in-root).
  if (spec.process.cwd !== '/') await makeDirInRoot(rootfs, spec.process.cwd);
  for (const m of request.mounts)
    if (m.type === 'bind' && m.createSource) await mkdir(m.source, { recursive: true }).catch(() => undefined);
  await copyUpVolumes(request.mounts, rootfs);
  await writeFile(join(paths.bundleDir, 'config.json'), serializeOciSpec(spec));
  return spec;
}

/**
 * runc (1.1) writes its /dev links (fd, ptmx, stdin, stdout, stderr) through `<rootfs>/dev` as a plain path:
 * an image whose /dev is a symlink would have them made wherever it points on the host. Such a rootfs is
 * refused before runc sees it (Docker's engine with the same runc writes them on the host).
 */
async function refuseLinkedDev(rootfs: string): Promise<void> {
  const st = await lstat(join(rootfs, 'dev')).catch(() => undefined);
  if (st && !st.isDirectory())
    throw failedPrecondition(
      `the container's /dev is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a directory'} in its image: refusing to start it (the runtime would create device links through it)`,
    );
}

async function makeDirInRoot(rootfs: string, path: string): Promise<void> {
  const root = await FdRoot.open(rootfs);
  try {
    await (await root.openDir(path, { createParents: true })).close();
  } finally {
    await root.close();
  }
}
