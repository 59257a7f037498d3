// The real CRI clients (crictl and critest v1.26.1, built from ../shared/peers by scripts/setup.sh) pointed
// at a test daemon's CRI socket.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestDaemon } from './daemon.js';
import { run, type RunOptions, type RunResult } from './run.js';

export const PEERS_DIR = process.env.BERTH_PEERS_DIR ?? '/var/cache/berth-peers';
export const CRICTL = join(PEERS_DIR, 'crictl');
export const CRITEST = join(PEERS_DIR, 'critest');

/** Throws, naming the binary and how to build it, when a peer is missing: a CRI test never passes by skipping. */
export function requirePeer(path: string): void {
  if (!existsSync(path))
    throw new Error(
      `${path} is missing: scripts/setup.sh builds it (../shared/peers/build.sh; BERTH_PEERS_DIR overrides the dir)`,
    );
}

/** The daemon's CRI socket: by default beside its API socket's exec root. */
export const criSocketOf = (daemon: TestDaemon): string => join(daemon.execRoot, 'cri.sock');

/** crictl against a berthd (its CRI socket) or any CRI socket path (containerd's). */
export function crictl(target: TestDaemon | string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const endpoint = `unix://${typeof target === 'string' ? target : criSocketOf(target)}`;
  // --config /dev/null: no /etc/crictl.yaml of the machine's applies. --timeout 60s instead of crictl's 2 s per
  // call: on a loaded machine containerd's StopPodSandbox alone took longer (tests assert behaviour, not timings).
  const common = [
    '--config',
    '/dev/null',
    '--timeout',
    '60s',
    '--runtime-endpoint',
    endpoint,
    '--image-endpoint',
    endpoint,
  ];
  return run(CRICTL, [...common, ...args], {
    timeoutMs: 120_000,
    ...options,
  });
}
