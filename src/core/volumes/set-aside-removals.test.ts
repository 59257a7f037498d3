import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setAsideRecordFate } from './set-aside-removals.js';

test('a record whose directory was set aside and not made again is the removed volume: deleted', () => {
  assert.equal(setAsideRecordFate({ record: true, directory: false }), 'delete');
});

test('a record beside a live directory of the same name is a volume made again since: kept', () => {
  assert.equal(setAsideRecordFate({ record: true, directory: true }), 'keep');
});

test('no record (the crash fell after its deletion): nothing to delete', () => {
  assert.equal(setAsideRecordFate({ record: false, directory: false }), 'keep');
  assert.equal(setAsideRecordFate({ record: false, directory: true }), 'keep');
});
