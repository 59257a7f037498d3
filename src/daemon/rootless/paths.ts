// Where a rootless berthd keeps its state, as Docker's rootless engine does: persistent state under
// ~/.local/share, runtime state and the socket under $XDG_RUNTIME_DIR, config under ~/.config.
import { join } from 'node:path';
import type { ConfigFile } from '../config.js';

export interface RootlessPaths {
  dataRoot: string;
  execRoot: string;
  socket: string;
  configFile: string;
  registryConfigDir: string;
  /** rootlesskit's own state (its API socket for port forwarding, the child's pid). */
  rootlesskitStateDir: string;
}

export function rootlessPaths(env: NodeJS.ProcessEnv): RootlessPaths {
  const home = env.HOME ?? '/';
  const runtimeDir = env.XDG_RUNTIME_DIR ?? join('/run/user', String(process.getuid?.() ?? 0));
  const dataHome = env.XDG_DATA_HOME ?? join(home, '.local/share');
  const configHome = env.XDG_CONFIG_HOME ?? join(home, '.config');
  return {
    dataRoot: join(dataHome, 'berth'),
    execRoot: join(runtimeDir, 'berth'),
    socket: join(runtimeDir, 'berth.sock'),
    configFile: join(configHome, 'berth/daemon.json'),
    registryConfigDir: join(configHome, 'berth/certs.d'),
    rootlesskitStateDir: join(runtimeDir, 'berth-rootlesskit'),
  };
}

/** The defaults layer of a rootless daemon's config (below the config file, the environment and the flags). */
export function rootlessDefaults(paths: RootlessPaths): ConfigFile {
  return {
    'data-root': paths.dataRoot,
    'exec-root': paths.execRoot,
    hosts: [`unix://${paths.socket}`],
    'registry-config-dir': paths.registryConfigDir,
  };
}
