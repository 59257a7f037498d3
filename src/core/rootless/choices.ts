// What a rootless berthd will use on this host and what that costs the user: the network helper, the port driver,
// published ports below the host's unprivileged port start, cgroups. Pure: `berth rootless check` prints these
// beside the missing prerequisites, and berthd's start takes its network helper and its limits refusal from here,
// so what the check says is what berthd does.
import type { RootlessFacts } from './prerequisites.js';

/** rootlesskit's --net: slirp4netns, Docker's default (dockerd-rootless.sh); pasta only where slirp4netns is absent
 *  and rootlesskit knows --net=pasta (2.0 and later). */
export function rootlessNetwork(
  f: Pick<RootlessFacts, 'slirp4netns' | 'pasta' | 'rootlesskitPasta'>,
): 'slirp4netns' | 'pasta' {
  return f.slirp4netns || !(f.pasta && f.rootlesskitPasta) ? 'slirp4netns' : 'pasta';
}

/** Why a rootless berthd refuses every cgroup limit (and `stats`) on this host. */
export function rootlessLimitsUnavailable(cgroupVersion: '1' | '2'): string {
  return cgroupVersion === '1'
    ? 'berthd runs rootless and this host has cgroup v1, which cannot be delegated to an ordinary user (cgroup v2 with systemd delegation can)'
    : "berthd runs rootless and does not yet place containers in a cgroup v2 subtree delegated to the user (systemd Delegate=yes); their processes stay in berthd's cgroup";
}

/** How root lets rootlesskit listen on `port`, below the host's unprivileged port start. */
export function privilegedPortFix(port: number): string {
  return (
    `as root: sysctl -w net.ipv4.ip_unprivileged_port_start=${port} (and the same in /etc/sysctl.d/), ` +
    `or setcap cap_net_bind_service=ep on the rootlesskit binary`
  );
}

/** The lowest published host port rootlesskit may listen on as this user. */
export function privilegedPortsNote(unprivilegedPortStart: number | undefined): string {
  const start = unprivilegedPortStart ?? 1024;
  if (start === 0) return 'published host ports: any (net.ipv4.ip_unprivileged_port_start=0)';
  return (
    `published host ports below ${start} are refused (net.ipv4.ip_unprivileged_port_start=${start}); ` +
    `to publish port 80, ${privilegedPortFix(80)}`
  );
}

/** `berth rootless check`'s lines on what berthd will use (after the missing prerequisites). */
export function rootlessChoices(f: RootlessFacts): string[] {
  const network = rootlessNetwork(f);
  const why =
    network === 'pasta'
      ? 'slirp4netns not found; rootlesskit offers --net=pasta'
      : f.pasta && !f.rootlesskitPasta
        ? 'pasta is there too, but this rootlesskit has no --net=pasta (2.0 and later)'
        : "Docker's rootless default";
  return [
    `network: ${network} (${why}): bridges, user networks and their DNS live in rootlesskit's network namespace`,
    "port driver: rootlesskit's builtin (about 4x the throughput of its slirp4netns driver): a container sees " +
      'connections to its published ports coming from 127.0.0.1, not from the client',
    privilegedPortsNote(f.unprivilegedPortStart),
    `cgroups: v${f.cgroupVersion}: resource limits (-m, --cpus, --pids-limit, ...) and stats are refused: ${rootlessLimitsUnavailable(f.cgroupVersion)}`,
    `storage: ${f.overlayInUserns === false ? 'native (copying): overlayfs cannot be mounted in a user namespace here' : 'overlayfs in the user namespace (userxattr)'}`,
  ];
}
