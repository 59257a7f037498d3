// Gathers the facts core/rootless/prerequisites.ts judges: the user's subid ranges, the uidmap helpers,
// the kernel's user namespace switches, an overlayfs mount in a throwaway user namespace, the network helper.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { access, constants, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { userInfo, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAttribute } from '@napi-rs/xattr';
import type { RootlessFacts } from '../../core/rootless/prerequisites.js';
import { findExecutable } from '../host-tools.js';
import { detectCgroupVersion } from '../../drivers/host/node-host-info.js';

const run = promisify(execFile);

const readText = (path: string): Promise<string | undefined> =>
  readFile(path, 'utf8').then(
    (t) => t,
    () => undefined,
  );

const readNumber = async (path: string): Promise<number | undefined> => {
  const text = await readText(path);
  return text === undefined ? undefined : Number(text.trim());
};

/** setuid root, or a file capability (security.capability), as Debian's uidmap ships them. */
async function idMapper(name: string): Promise<RootlessFacts['newuidmap']> {
  const path = findExecutable(name);
  if (!path) return undefined;
  const st = await stat(path);
  const setuidRoot = st.uid === 0 && (st.mode & 0o4000) !== 0;
  const caps = setuidRoot ? null : await getAttribute(path, 'security.capability').catch(() => null);
  return { path, privileged: setuidRoot || caps !== null };
}

const canOpenReadWrite = (path: string): Promise<boolean> =>
  access(path, constants.R_OK | constants.W_OK).then(
    () => true,
    () => false,
  );

async function runtimeDirFact(env: NodeJS.ProcessEnv, uid: number): Promise<RootlessFacts['runtimeDir']> {
  const path = env.XDG_RUNTIME_DIR;
  if (!path) return undefined;
  const st = await stat(path).catch(() => undefined);
  const usable = !!st && st.isDirectory() && st.uid === uid && (await canOpenReadWrite(path));
  return { path, usable };
}

/** Mounts overlayfs in a user namespace of its own (util-linux unshare); false when the kernel refuses. */
async function probeOverlayInUserns(): Promise<boolean | undefined> {
  const unshare = findExecutable('unshare');
  if (!unshare) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'berth-rootless-probe-'));
  try {
    const script =
      'cd "$1" && mkdir l u w m && mount -t overlay overlay -o userxattr,lowerdir=l,upperdir=u,workdir=w m && umount m';
    await run(unshare, ['--user', '--map-root-user', '--mount', 'sh', '-c', script, 'probe', dir], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Whether `rootlesskit --help` lists pasta among its --net drivers (rootlesskit 2.0 and later). */
async function rootlesskitHasPasta(rootlesskit: string | undefined): Promise<boolean> {
  if (!rootlesskit) return false;
  const help = await run(rootlesskit, ['--help'], { timeout: 10_000 }).then(
    (r) => r.stdout + r.stderr,
    () => '',
  );
  return /^\s*--net\b.*\bpasta\b/m.test(help);
}

export async function gatherRootlessFacts(env: NodeJS.ProcessEnv = process.env): Promise<RootlessFacts> {
  const me = userInfo();
  const usernsClone = await readNumber('/proc/sys/kernel/unprivileged_userns_clone');
  const maxUserns = await readNumber('/proc/sys/user/max_user_namespaces');
  const usernsOff = usernsClone === 0 || maxUserns === 0;
  const rootlesskit = findExecutable('rootlesskit');
  const [subuid, subgid, newuidmap, newgidmap, tunAccessible, runtimeDir, overlayInUserns, rootlesskitPasta] =
    await Promise.all([
      readText('/etc/subuid'),
      readText('/etc/subgid'),
      idMapper('newuidmap'),
      idMapper('newgidmap'),
      canOpenReadWrite('/dev/net/tun'),
      runtimeDirFact(env, me.uid),
      usernsOff ? Promise.resolve(undefined) : probeOverlayInUserns(),
      rootlesskitHasPasta(rootlesskit),
    ]);
  return {
    user: { name: me.username, id: me.uid, gid: me.gid },
    subuid,
    subgid,
    newuidmap,
    newgidmap,
    rootlesskit,
    nsenter: findExecutable('nsenter'),
    flock: findExecutable('flock'),
    slirp4netns: findExecutable('slirp4netns'),
    pasta: findExecutable('pasta'),
    rootlesskitPasta,
    unprivilegedUsernsClone: usernsClone,
    maxUserNamespaces: maxUserns,
    overlayInUserns,
    tunAccessible,
    runtimeDir,
    cgroupVersion: detectCgroupVersion(),
    unprivilegedPortStart: await readNumber('/proc/sys/net/ipv4/ip_unprivileged_port_start'),
  };
}
