import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intentAction, volumeFate } from './removal-intents.js';
import type { VolumeRecord } from './volume-record.js';

const vol = (anonymous: boolean): VolumeRecord => ({
  name: anonymous ? 'a'.repeat(64) : 'data',
  driver: 'local',
  labels: {},
  options: {},
  created: '2026-01-01T00:00:00Z',
  anonymous,
});

test('an intent is finished when its container is gone, left to a removing one, dropped for one still there', () => {
  assert.equal(intentAction('absent'), 'finish');
  assert.equal(intentAction('removing'), 'leave');
  assert.equal(intentAction('present'), 'drop');
});

test('an intended volume goes only when it is anonymous and no container names it', () => {
  assert.equal(volumeFate(vol(true), 0), 'remove');
  assert.equal(volumeFate(vol(true), 1), 'keep', 'another container mounts it');
  assert.equal(volumeFate(vol(false), 0), 'keep', 'a named volume never goes with a container');
  assert.equal(volumeFate(undefined, 0), 'gone');
});
