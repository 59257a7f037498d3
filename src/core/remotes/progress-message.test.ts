import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesMessage, humanSize, progressBar, shortId } from './progress-message.js';

test('sizes as go-units HumanSize', () => {
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(528), '528B');
  assert.equal(humanSize(2152), '2.152kB');
  assert.equal(humanSize(1_000_000), '1MB');
  assert.equal(humanSize(2_592_256), '2.592MB');
  assert.equal(humanSize(999_999), '1000kB');
});

test('progress bars as dockerd renders them', () => {
  assert.equal(progressBar(0, 0), '');
  assert.equal(progressBar(1_000_000, 2_000_000), `[${'='.repeat(25)}>${' '.repeat(25)}]      1MB/2MB`);
  assert.equal(progressBar(2_000_000, 2_000_000), `[${'='.repeat(50)}>] ${'2MB'.padStart(8)}/2MB`);
  assert.equal(progressBar(10, 0), '     10B');
  assert.deepEqual(Object.keys(bytesMessage('abc', 'Downloading', 1, 2)), [
    'status',
    'progressDetail',
    'progress',
    'id',
  ]);
  assert.equal(shortId(`sha256:${'ab'.repeat(32)}`), 'abababababab');
});
