import { test } from 'node:test';
import assert from 'node:assert/strict';
import { volumeListFilter, volumePruneFilter } from './volume-filters.js';
import type { VolumeRecord } from './volume-record.js';

const vol = (name: string, extra: Partial<VolumeRecord> = {}): VolumeRecord => ({
  name,
  driver: 'local',
  labels: {},
  options: {},
  created: '2024-01-01T00:00:00Z',
  anonymous: false,
  ...extra,
});
const all = [vol('data'), vol('db', { labels: { tier: 'x' } }), vol('a'.repeat(64), { anonymous: true })];

test('volume list filters: dangling, name (regexp), label, driver', () => {
  const used = (n: string): boolean => n === 'data';
  const names = (f: Map<string, string[]>): string[] =>
    all.filter(volumeListFilter(f, used)).map((v) => v.name.slice(0, 4));
  assert.deepEqual(names(new Map([['dangling', ['true']]])), ['db', 'aaaa']);
  assert.deepEqual(names(new Map([['dangling', ['0']]])), ['data']);
  assert.deepEqual(names(new Map([['name', ['^d']]])), ['data', 'db']);
  assert.deepEqual(names(new Map([['label', ['tier=x']]])), ['db']);
  assert.deepEqual(names(new Map([['driver', ['nope']]])), []);
  assert.throws(() => volumeListFilter(new Map([['foo', ['1']]]), used), /invalid filter 'foo'/);
  assert.throws(
    () => volumeListFilter(new Map([['dangling', ['maybe']]]), used),
    /invalid filter 'dangling=\[maybe\]'/,
  );
});

test('volume prune: anonymous only unless all=true (or an API before 1.42)', () => {
  const pruned = (f: Map<string, string[]>, newApi = true): number => all.filter(volumePruneFilter(f, newApi)).length;
  assert.equal(pruned(new Map()), 1);
  assert.equal(pruned(new Map([['all', ['true']]])), 3);
  assert.equal(pruned(new Map(), false), 3);
  assert.equal(
    pruned(
      new Map([
        ['all', ['1']],
        ['label!', ['tier']],
      ]),
    ),
    2,
  );
  assert.throws(() => volumePruneFilter(new Map([['until', ['1h']]]), true), /invalid filter 'until'/);
});
