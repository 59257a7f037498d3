// The docker CLI with the buildx plugin (BuildKit's client), for tests only: a DOCKER_CONFIG of the test's own
// with cli-plugins/docker-buildx pointing at the peer setup.sh builds (buildx is never the machine's global
// plugin: that would move every other test's `docker build` to BuildKit). Missing buildx fails the test loudly.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PEERS_DIR = process.env.BERTH_PEERS_DIR ?? '/var/cache/berth-peers';

export interface BuildxConfig {
  /** DOCKER_CONFIG, DOCKER_BUILDKIT=1 and BUILDKIT_PROGRESS=plain over `base`. */
  env(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  cleanup(): void;
}

export function buildxConfig(): BuildxConfig {
  const plugin = join(PEERS_DIR, 'docker-buildx');
  if (!existsSync(plugin))
    throw new Error(
      `docker-buildx not found at ${plugin}: run scripts/setup.sh (it builds the peers) or set BERTH_PEERS_DIR`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'berth-buildx-'));
  mkdirSync(join(dir, 'cli-plugins'));
  symlinkSync(plugin, join(dir, 'cli-plugins', 'docker-buildx'));
  return {
    env: (base) => ({ ...base, DOCKER_CONFIG: dir, DOCKER_BUILDKIT: '1', BUILDKIT_PROGRESS: 'plain' }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
