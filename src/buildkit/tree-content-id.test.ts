import { test } from 'node:test';
import assert from 'node:assert/strict';
import { treeContentId, type SyncedEntry, type SyncedTree } from './filesync.js';

const file = (digest: string, extra: Partial<SyncedEntry> = {}): SyncedEntry => ({
  kind: 'file',
  mode: 0o644,
  uid: 0,
  gid: 0,
  size: 5n,
  modTime: 1_000_000_000n,
  linkname: '',
  digest,
  ...extra,
});

test("a synced tree's content ID follows every entry, not the order files arrived in", () => {
  const tree: SyncedTree = new Map([
    ['a.txt', file('aa')],
    ['b.txt', file('bb')],
  ]);
  const reordered: SyncedTree = new Map([
    ['b.txt', file('bb')],
    ['a.txt', file('aa')],
  ]);
  assert.equal(treeContentId(tree), treeContentId(reordered));
  for (const changed of [
    new Map([...tree, ['b.txt', file('bc')]]),
    new Map([...tree, ['b.txt', file('bb', { mode: 0o755 })]]),
    new Map([...tree, ['b.txt', file('bb', { modTime: 1n })]]),
    new Map([...tree, ['c.txt', file('cc')]]),
    new Map([['a.txt', file('aa')]]),
  ])
    assert.notEqual(treeContentId(changed), treeContentId(tree));
});
