// The container state machine as explicit predicates, with Docker's messages for refusals.
import { conflict } from '../errdefs.js';
import type { ContainerRecord } from './container-record.js';

const short = (id: string): string => id.slice(0, 12);

export const canStart = (c: ContainerRecord): boolean => c.state.status === 'created' || c.state.status === 'exited';

export const isRunning = (c: ContainerRecord): boolean =>
  c.state.status === 'running' || c.state.status === 'paused' || c.state.status === 'restarting';

/** Removal needs force while running, paused or restarting (force kills it). The wording is dockerd 20.10's,
 * which clients match on ("You cannot remove a running container"; newer ones look for "stop the container
 * before", which it also has), with the full id and the state as Docker names it. */
export function assertRemovable(c: ContainerRecord, force: boolean): void {
  if (c.state.status === 'removing') throw conflict(`removal of container ${c.id} is already in progress`);
  if (isRunning(c) && !force) {
    const state = c.state.status;
    const procedure = 'Stop the container before attempting removal or force remove';
    throw conflict(
      `You cannot remove a ${state} container ${c.id}. ${state === 'paused' ? `Unpause and then ${procedure.toLowerCase()}` : procedure}`,
    );
  }
}

export function assertRunning(c: ContainerRecord): void {
  if (c.state.status !== 'running' && c.state.status !== 'paused') throw conflict(`Container ${c.id} is not running`);
}

export function assertNotPaused(c: ContainerRecord, verb: string): void {
  if (c.state.status === 'paused')
    throw conflict(
      `cannot ${verb} container ${short(c.id)}: container is paused, unpause the container before stopping or killing`,
    );
}
