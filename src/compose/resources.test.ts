import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type EngineClient } from '../client/engine-client.js';
import type { Project } from './model.js';
import { removeNetworks } from './resources.js';

const project = { name: 'p', networks: { default: { name: 'p_default' } } } as unknown as Project;

/** A client whose network removal answers "has active endpoints" `busy` times first (or `status` instead). */
function client(busy: number, status = 403): { client: EngineClient; removals: () => number } {
  let removals = 0;
  const fake = {
    networks: {
      list: () => Promise.resolve([{ Name: 'p_default', Id: 'n1' }]),
      remove: () => {
        removals++;
        if (removals > busy) return Promise.resolve();
        return Promise.reject(
          new ApiError(status, 'error while removing network: network p_default id n1 has active endpoints'),
        );
      },
    },
  };
  return { client: fake as unknown as EngineClient, removals: () => removals };
}

test('a network whose endpoints the engine has not released yet is removed when asked again', async () => {
  const c = client(2);
  await removeNetworks(c.client, project, () => undefined);
  assert.equal(c.removals(), 3);
});

test('a network still in use after the retries, or another refusal, is an error', async () => {
  const busy = client(Infinity);
  await assert.rejects(
    removeNetworks(busy.client, project, () => undefined),
    /has active endpoints/,
  );
  assert.ok(busy.removals() > 3);
  const other = client(1, 500);
  await assert.rejects(
    removeNetworks(other.client, project, () => undefined),
    ApiError,
  );
  assert.equal(other.removals(), 1);
});
