// The container state machine as explicit predicates, with Docker's messages for refusals.
import { conflict } from '../errdefs.js';
import type { ContainerRecord } from './container-record.js';

const short = (id: string): string => id.slice(0, 12);

export const canStart = (c: ContainerRecord): boolean => c.state.status === 'created' || c.state.status === 'exited';

export const isRunning = (c: ContainerRecord): boolean =>
  c.state.status === 'running' || c.state.status === 'paused' || c.state.status === 'restarting';

/** Removal needs force while running; a paused container cannot be removed even with force in Docker without unpausing (we kill it). */
export function assertRemovable(c: ContainerRecord, force: boolean): void {
  if (c.state.status === 'removing') throw conflict(`removal of container ${c.id} is already in progress`);
  if (isRunning(c) && !force) {
    const what = c.state.status === 'paused' ? 'paused' : 'running';
    throw conflict(
      `cannot remove container "/${c.name}": container is ${what}: stop the container before removing or force remove`,
    );
  }
}

export function assertRunning(c: ContainerRecord): void {
  if (c.state.status !== 'running' && c.state.status !== 'paused') throw conflict(`container ${c.id} is not running`);
}

export function assertNotPaused(c: ContainerRecord, verb: string): void {
  if (c.state.status === 'paused')
    throw conflict(
      `cannot ${verb} container ${short(c.id)}: container is paused, unpause the container before stopping or killing`,
    );
}
