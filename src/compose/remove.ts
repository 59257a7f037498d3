// Stopping and removing one of a project's containers (down, rm, recreation, scale-down, orphans).
import { ApiError, type EngineClient } from '../client/engine-client.js';
import type { Progress } from './progress.js';
import type { Existing } from './plan.js';
import { anonymousVolumesOf, removeVolumesQuietly } from './inherit-volumes.js';

export interface RemoveOptions {
  /** Seconds to wait for the stop signal before the kill; the container's own when unset. */
  stopTimeout?: number | undefined;
  /** Remove its anonymous volumes too (those a recreation handed it by name as well). */
  volumes?: boolean;
}

export async function stopContainer(
  client: EngineClient,
  c: Existing,
  stopTimeout: number | undefined,
  progress: Progress,
): Promise<void> {
  if (c.state !== 'running' && c.state !== 'restarting' && c.state !== 'paused') return;
  progress('Container', c.name, 'Stopping');
  await client.containers.stop(c.id, stopTimeout !== undefined ? { t: stopTimeout } : {});
  progress('Container', c.name, 'Stopped');
}

export async function removeContainer(
  client: EngineClient,
  c: Existing,
  opts: RemoveOptions,
  progress: Progress,
): Promise<void> {
  await stopContainer(client, c, opts.stopTimeout, progress);
  progress('Container', c.name, 'Removing');
  try {
    // An anonymous volume a recreation handed on is mounted by name, which Docker's engine keeps at `v=true`.
    const anonymous = opts.volumes ? await anonymousVolumesOf(client, c.id, new Set()) : new Map<string, string>();
    await client.containers.remove(c.id, { v: opts.volumes ?? false, force: true });
    await removeVolumesQuietly(client, anonymous.values());
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  }
  progress('Container', c.name, 'Removed');
}
