// What rootless berthd needs from the host, as a list of what is missing and the package or command that fixes
// each. Pure: the facts are gathered by the daemon (daemon/rootless/host-facts.ts) or given by a unit test.
import { subIdCount, subIdRanges } from './subid.js';

/** Ids a container image commonly uses: root plus 0..65535 (nobody is 65534). Fewer than this is refused. */
export const MIN_SUBIDS = 65536;

export interface RootlessFacts {
  user: { name: string; id: number; gid: number };
  /** Contents of /etc/subuid and /etc/subgid; undefined when the file is missing. */
  subuid: string | undefined;
  subgid: string | undefined;
  /** Paths of the helpers found on PATH (undefined: absent); a setuid-less newuidmap is as good as absent. */
  newuidmap: { path: string; privileged: boolean } | undefined;
  newgidmap: { path: string; privileged: boolean } | undefined;
  rootlesskit: string | undefined;
  /** util-linux's nsenter: berthd enters the namespaces rootlesskit holds, which outlive it. */
  nsenter: string | undefined;
  /** util-linux's flock: berthds starting at once take turns to find or start rootlesskit. */
  flock: string | undefined;
  slirp4netns: string | undefined;
  pasta: string | undefined;
  /** rootlesskit offers --net=pasta (2.0 and later; 1.x knows only slirp4netns, vpnkit and lxc-user-nic). */
  rootlesskitPasta: boolean;
  /** /proc/sys/kernel/unprivileged_userns_clone (Debian's switch; undefined when the kernel has none). */
  unprivilegedUsernsClone: number | undefined;
  /** /proc/sys/user/max_user_namespaces. */
  maxUserNamespaces: number | undefined;
  /** An unprivileged user namespace could mount overlayfs (undefined: not probed, e.g. user namespaces off). */
  overlayInUserns: boolean | undefined;
  /** /dev/net/tun can be opened read-write by this user (slirp4netns and pasta need it). */
  tunAccessible: boolean;
  /** $XDG_RUNTIME_DIR, and whether this user owns and can write it. */
  runtimeDir: { path: string; usable: boolean } | undefined;
  /** The host's cgroup version (/sys/fs/cgroup/cgroup.controllers: 2). */
  cgroupVersion: '1' | '2';
  /** The host's /proc/sys/net/ipv4/ip_unprivileged_port_start (undefined: not readable). */
  unprivilegedPortStart: number | undefined;
}

export interface MissingPrerequisite {
  /** What is missing, in a few words. */
  what: string;
  /** The package to install or the command to run. */
  fix: string;
  /** false: berthd can start without it (a fallback is used), but something is lost. */
  required: boolean;
}

export function missingPrerequisites(f: RootlessFacts): MissingPrerequisite[] {
  const out: MissingPrerequisite[] = [];
  const { name, id } = f.user;
  const rangeFix = (file: string): string =>
    `give ${name} ${MIN_SUBIDS} ids no other user holds (as root: usermod --add-sub${file === '/etc/subuid' ? 'uids' : 'gids'} 100000-165535 ${name}, or a line "${name}:100000:65536" in ${file})`;
  for (const [file, text] of [
    ['/etc/subuid', f.subuid],
    ['/etc/subgid', f.subgid],
  ] as const) {
    const count = text === undefined ? 0 : subIdCount(subIdRanges(text, { name, id }));
    if (count < MIN_SUBIDS)
      out.push({
        what: `${file} gives ${name} ${count === 0 ? 'no range' : `only ${count} ids`} (at least ${MIN_SUBIDS} needed)`,
        fix: rangeFix(file),
        required: true,
      });
  }
  for (const tool of ['newuidmap', 'newgidmap'] as const) {
    const found = f[tool];
    if (!found)
      out.push({
        what: `${tool} not found`,
        fix: "install the 'uidmap' package (apt-get install uidmap)",
        required: true,
      });
    else if (!found.privileged)
      out.push({
        what: `${found.path} is neither setuid root nor has cap_set${tool === 'newuidmap' ? 'uid' : 'gid'}`,
        fix: `reinstall the 'uidmap' package (apt-get install --reinstall uidmap), or chmod u+s ${found.path}`,
        required: true,
      });
  }
  if (f.unprivilegedUsernsClone === 0)
    out.push({
      what: 'unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone=0)',
      fix: 'sysctl -w kernel.unprivileged_userns_clone=1 (and kernel.unprivileged_userns_clone=1 in /etc/sysctl.d/ to keep it)',
      required: true,
    });
  if (f.maxUserNamespaces === 0)
    out.push({
      what: 'user namespaces are disabled (user.max_user_namespaces=0)',
      fix: 'sysctl -w user.max_user_namespaces=28633 (and the same in /etc/sysctl.d/ to keep it)',
      required: true,
    });
  if (!f.rootlesskit)
    out.push({
      what: 'rootlesskit not found (berthd runs under it: user, mount and network namespaces, port forwarding)',
      fix: "install the 'rootlesskit' package (apt-get install rootlesskit)",
      required: true,
    });
  if (!f.nsenter)
    out.push({
      what: 'nsenter not found (berthd enters the namespaces rootlesskit holds, so containers outlive berthd)',
      fix: "install the 'util-linux' package (apt-get install util-linux)",
      required: true,
    });
  if (!f.flock)
    out.push({
      what: 'flock not found (berthds starting at once take turns to start rootlesskit)',
      fix: "install the 'util-linux' package (apt-get install util-linux)",
      required: true,
    });
  if (!f.slirp4netns && f.pasta && !f.rootlesskitPasta)
    out.push({
      what: 'pasta is the only network helper, and this rootlesskit cannot use it (--net=pasta needs rootlesskit 2.0)',
      fix: "install the 'slirp4netns' package (apt-get install slirp4netns), or rootlesskit 2.0 or later",
      required: true,
    });
  else if (!f.slirp4netns && !f.pasta)
    out.push({
      what: 'no network helper: neither slirp4netns nor pasta found (containers would reach nothing outside)',
      fix: "install the 'slirp4netns' package (apt-get install slirp4netns), or 'passt' for pasta",
      required: true,
    });
  else if (!f.tunAccessible)
    out.push({
      what: `/dev/net/tun cannot be opened by ${name} (slirp4netns and pasta need a tap device)`,
      fix: 'chmod 0666 /dev/net/tun (the mode udev gives it on Debian), or load the tun module (modprobe tun)',
      required: true,
    });
  if (f.overlayInUserns === false)
    out.push({
      what: 'overlayfs cannot be mounted in a user namespace (kernel older than 5.11?)',
      fix: 'nothing to install: berthd falls back to the copying native storage driver (slower, more disk)',
      required: false,
    });
  if (!f.runtimeDir)
    out.push({
      what: 'XDG_RUNTIME_DIR is not set (berthd keeps its socket and runtime state there)',
      fix: `log in through a session that sets it (systemd-logind), or export XDG_RUNTIME_DIR=/run/user/${id} made by root with owner ${name} and mode 0700`,
      required: true,
    });
  else if (!f.runtimeDir.usable)
    out.push({
      what: `XDG_RUNTIME_DIR ${f.runtimeDir.path} is not a directory ${name} owns and can write`,
      fix: `as root: mkdir -p ${f.runtimeDir.path} && chown ${name} ${f.runtimeDir.path} && chmod 0700 ${f.runtimeDir.path}`,
      required: true,
    });
  return out;
}

/** The report `berth rootless check` prints and berthd prints when it refuses to start. */
export function prerequisitesReport(missing: MissingPrerequisite[]): string {
  if (missing.length === 0) return 'rootless: every prerequisite is there\n';
  return missing.map((m) => `${m.required ? 'missing' : 'warning'}: ${m.what}\n  fix: ${m.fix}\n`).join('');
}
