// A container's own directory and the /etc files bind-mounted into it. Lifecycle: prepared at create,
// removed with the container. Implemented in drivers/container-files.

export interface ContainerPaths {
  dir: string;
  bundleDir: string;
  logPath: string;
  hostsPath: string;
  hostnamePath: string;
  resolvConfPath: string;
}

/** The container's own directory and the /etc files bind-mounted into it. */
export interface ContainerFiles {
  paths(id: string): ContainerPaths;
  /** Creates the directory and writes hostname, hosts and resolv.conf. */
  prepare(id: string, files: { hostname: string; hosts: string; resolvConf: string }): Promise<ContainerPaths>;
  /** Rewrites /etc/hosts of a running container in place (the bind mount keeps the file's inode). */
  rewriteHosts(id: string, hosts: string): Promise<void>;
  /** Rewrites resolv.conf of a running container in place, as rewriteHosts. */
  rewriteResolvConf(id: string, resolvConf: string): Promise<void>;
  /** The init layer's shared tree (core/containers/init-layer.ts), made at the first call of a daemon's life. */
  initLayer(): Promise<string>;
  /** The host's resolv.conf text, for containers to inherit. */
  hostResolvConf(): Promise<string>;
  /** Makes a missing bind source directory (`-v` semantics); false when it cannot. */
  ensureBindSource(path: string): Promise<void>;
  bindSourceExists(path: string): Promise<boolean>;
  remove(id: string): Promise<void>;
  /** Start-up repair: removes the directories of containers that have no record (a removal a crash cut short). */
  removeOrphans(known: ReadonlySet<string>): Promise<string[]>;
}
