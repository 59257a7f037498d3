import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFilterKeys, createdAfter, matchKVList, matchLabels, pruneUntilNano } from './filter-args.js';

const f = (entries: [string, string[]][]): Map<string, string[]> => new Map(entries);

test('unknown filter keys are refused with Docker message', () => {
  assert.throws(() => checkFilterKeys(f([['bogus', ['1']]]), ['label']), /invalid filter 'bogus'/);
  checkFilterKeys(f([['label', ['a']]]), ['label']);
});

test('label matches every value (key or key=value); an object without labels matches none', () => {
  const labels = { a: '1', b: '' };
  assert.equal(matchKVList(f([]), 'label', {}), true);
  assert.equal(matchKVList(f([['label', ['a']]]), 'label', labels), true);
  assert.equal(matchKVList(f([['label', ['a=1', 'b']]]), 'label', labels), true);
  assert.equal(matchKVList(f([['label', ['a=2']]]), 'label', labels), false);
  assert.equal(matchKVList(f([['label', ['a', 'c']]]), 'label', labels), false);
  assert.equal(matchKVList(f([['label', ['b=']]]), 'label', labels), true);
  assert.equal(matchKVList(f([['label', ['toString']]]), 'label', labels), false);
  assert.equal(matchKVList(f([['label', ['a']]]), 'label', null), false);
});

test('label! excludes what matches all its values (moby matchLabels)', () => {
  assert.equal(matchLabels(f([['label!', ['keep']]]), { keep: 'x' }), false);
  assert.equal(matchLabels(f([['label!', ['keep']]]), { other: 'x' }), true);
  assert.equal(matchLabels(f([['label!', ['keep']]]), {}), true);
  assert.equal(matchLabels(f([['label!', ['keep=x']]]), { keep: 'y' }), true);
  assert.equal(matchLabels(f([['label!', ['a', 'b']]]), { a: '' }), true);
  assert.equal(matchLabels(f([['label!', ['a', 'b']]]), { a: '', b: '' }), false);
  assert.equal(
    matchLabels(
      f([
        ['label', ['a']],
        ['label!', ['b']],
      ]),
      { a: '' },
    ),
    true,
  );
});

test('prune until: a duration before now; objects created after it are kept; one value at most', () => {
  const now = Date.parse('2024-06-01T12:00:00Z');
  const until = pruneUntilNano(f([['until', ['24h']]]), now);
  assert.equal(createdAfter('2024-06-01T11:59:59.999999999Z', until), true, 'a second ago is kept');
  assert.equal(createdAfter('2024-05-31T11:59:59Z', until), false, 'older than a day is pruned');
  assert.equal(createdAfter('2024-05-31T12:00:00Z', until), false, 'exactly at until is pruned (After is strict)');
  assert.equal(pruneUntilNano(f([]), now), undefined);
  assert.equal(createdAfter('2024-06-01T11:00:00Z', undefined), false);
  assert.throws(() => pruneUntilNano(f([['until', ['1h', '2h']]]), now), /more than one until filter specified/);
  assert.throws(
    () => pruneUntilNano(f([['until', ['soon']]]), now),
    (e: unknown) => (e as { kind?: string }).kind === 'InvalidArgument',
  );
});
