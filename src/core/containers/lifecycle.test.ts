// Removal refusals in dockerd's words, which clients match on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertRemovable } from './lifecycle.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerStatus } from '../../spec/docker/containers.js';

const ID = 'a'.repeat(64);
const inState = (status: ContainerStatus): ContainerRecord =>
  ({ id: ID, name: 'web', state: { status } }) as unknown as ContainerRecord;
const refusal = (status: ContainerStatus): string => {
  try {
    assertRemovable(inState(status), false);
  } catch (err) {
    assert.equal((err as { kind?: string }).kind, 'Conflict');
    return (err as Error).message;
  }
  return 'removable';
};

test('a running, restarting or paused container is refused without force, naming its full id and state', () => {
  const stop = 'Stop the container before attempting removal or force remove';
  assert.equal(refusal('running'), `You cannot remove a running container ${ID}. ${stop}`);
  assert.equal(refusal('restarting'), `You cannot remove a restarting container ${ID}. ${stop}`);
  assert.equal(
    refusal('paused'),
    `You cannot remove a paused container ${ID}. Unpause and then stop the container before attempting removal or force remove`,
  );
});

test('created, exited and dead containers are removable without force; any is with force', () => {
  for (const status of ['created', 'exited', 'dead'] as ContainerStatus[]) assert.equal(refusal(status), 'removable');
  for (const status of ['running', 'paused', 'restarting'] as ContainerStatus[]) assertRemovable(inState(status), true);
});
