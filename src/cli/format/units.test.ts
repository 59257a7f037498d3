import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesSize, humanDuration, humanSize, progressSize } from './units.js';

test('humanSize matches go-units', () => {
  assert.equal(humanSize(1982263, 3), '1.98MB');
  assert.equal(humanSize(1982263), '1.982MB');
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(999), '999B');
  assert.equal(humanSize(1000), '1kB');
  assert.equal(humanSize(1_200_000_000, 3), '1.2GB');
  assert.equal(humanSize(999_900, 3), '1e+03kB');
  assert.equal(humanSize(4_260_000, 3), '4.26MB');
});

test('bytesSize uses binary units', () => {
  assert.equal(bytesSize(25_275_000_000), '23.54GiB');
  assert.equal(bytesSize(1024), '1KiB');
});

test('humanDuration matches go-units', () => {
  assert.equal(humanDuration(500), 'Less than a second');
  assert.equal(humanDuration(1000), '1 second');
  assert.equal(humanDuration(59_000), '59 seconds');
  assert.equal(humanDuration(90_000), 'About a minute');
  assert.equal(humanDuration(45 * 60_000), '45 minutes');
  assert.equal(humanDuration(3_500_000), '58 minutes');
  assert.equal(humanDuration(3_600_000 * 1.4), 'About an hour');
  assert.equal(humanDuration(3_600_000 * 47), '47 hours');
  assert.equal(humanDuration(3_600_000 * 24 * 3), '3 days');
  assert.equal(humanDuration(3_600_000 * 24 * 20), '2 weeks');
  assert.equal(humanDuration(3_600_000 * 24 * 90), '3 months');
  assert.equal(humanDuration(3_600_000 * 24 * 800), '2 years');
});

test("progressSize is BuildKit progressui's: two decimals at most", () => {
  assert.equal(progressSize(34), '34B');
  assert.equal(progressSize(1234), '1.23kB');
  assert.equal(progressSize(4_500_000), '4.5MB');
  assert.equal(progressSize(0), '0B');
});
