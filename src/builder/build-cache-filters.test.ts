import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCachePruneFilter } from './build-cache-filters.js';
import type { BuildCacheEntry } from '../core/builder/build-cache.js';

const now = Date.parse('2024-06-01T12:00:00Z');
const entry = (key: string, lastUsed: string, description = 'RUN true'): BuildCacheEntry =>
  ({
    key,
    image: { layers: [] },
    parent: 'sha256:p',
    description,
    size: 1,
    created: lastUsed,
    lastUsed,
    usageCount: 1,
  }) as unknown as BuildCacheEntry;
const old = entry('aaa111', '2024-05-01T00:00:00Z');
const fresh = entry('bbb222', '2024-06-01T11:59:00Z', 'COPY . /');
const f = (entries: [string, string[]][]): Map<string, string[]> => new Map(entries);
const kept = (filters: Map<string, string[]>, shared = false): string[] =>
  [old, fresh].filter((e) => buildCachePruneFilter(filters, now)(e, { shared })).map((e) => e.key);

test('build prune: until (and its old name unused-for) spares what was used since', () => {
  assert.deepEqual(kept(f([])), ['aaa111', 'bbb222']);
  assert.deepEqual(kept(f([['until', ['24h']]])), ['aaa111']);
  assert.deepEqual(kept(f([['unused-for', ['24h']]])), ['aaa111']);
  assert.deepEqual(kept(f([['until', ['1h30m']]])), ['aaa111']);
  // Durations only, as Docker's builder (the other prunes also take dates and timestamps).
  assert.throws(() => kept(f([['until', ['2024-06-01T11:59:00Z']]])), /"until" filter expects a duration/);
  assert.throws(() => kept(f([['until', ['1000000000']]])), /"until" filter expects a duration/);
  assert.throws(
    () =>
      kept(
        f([
          ['until', ['1h']],
          ['unused-for', ['2h']],
        ]),
      ),
    /conflicting filters: "until" and "unused-for"/,
  );
});

test('build prune: id, description, shared/private select; unknown keys are refused', () => {
  assert.deepEqual(kept(f([['id', ['^bbb']]])), ['bbb222']);
  assert.deepEqual(kept(f([['description', ['COPY . /']]])), ['bbb222']);
  assert.deepEqual(kept(f([['shared', ['true']]]), false), []);
  assert.deepEqual(kept(f([['private', ['true']]]), false), ['aaa111', 'bbb222']);
  assert.deepEqual(
    kept(f([['label', ['a']]])),
    ['aaa111', 'bbb222'],
    'label is accepted and, as in Docker, selects nothing away',
  );
  assert.throws(() => kept(f([['bogus', ['1']]])), /invalid filter 'bogus'/);
  assert.throws(() => kept(f([['mutable', ['true']]])), /invalid filter 'mutable'/);
});
