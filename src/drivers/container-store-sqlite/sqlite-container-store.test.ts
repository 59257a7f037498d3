import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { SqliteContainerStore } from './sqlite-container-store.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import { isKind } from '../../core/errdefs.js';

const record = (id: string, name: string, created = new Date().toISOString()): ContainerRecord => ({
  id,
  name,
  created,
  image: 'busybox',
  imageId: 'sha256:abc',
  config: {},
  hostConfig: {},
  path: 'sh',
  args: [],
  state: { status: 'created', pid: 0, exitCode: 0, error: '', startedAt: '', finishedAt: '', oomKilled: false },
  restartCount: 0,
  manuallyStopped: false,
  snapshotKey: id,
  storageDriver: 'overlay2',
  logPath: '',
  hostsPath: '',
  hostnamePath: '',
  resolvConfPath: '',
  mounts: [],
});

test('a name can be claimed once; the conflict names the holder', () => {
  const store = new SqliteContainerStore(new Database(':memory:'));
  store.insert(record('a'.repeat(64), 'web'));
  assert.throws(
    () => store.insert(record('b'.repeat(64), 'web')),
    (err: Error) =>
      isKind(err, 'AlreadyExists') && err.message.includes(`"/web" is already in use by container "${'a'.repeat(64)}"`),
  );
  assert.equal(store.list().length, 1);
});

test('lookup by id, name and prefix; rename keeps uniqueness; delete', () => {
  const store = new SqliteContainerStore(new Database(':memory:'));
  store.insert(record('ab'.repeat(32), 'one', '2024-01-01T00:00:00.000000000Z'));
  store.insert(record('ac'.repeat(32), 'two', '2024-01-02T00:00:00.000000000Z'));
  assert.equal(store.get('ab'.repeat(32))?.name, 'one');
  assert.equal(store.findByName('two')?.id, 'ac'.repeat(32));
  assert.equal(store.findByIdPrefix('a').length, 2);
  assert.equal(store.findByIdPrefix('ab').length, 1);
  assert.equal(store.findByIdPrefix("a' OR 1=1 --").length, 0);
  assert.deepEqual(
    store.list().map((c) => c.name),
    ['two', 'one'],
  );
  assert.throws(
    () => store.rename('ab'.repeat(32), 'two'),
    (err) => isKind(err, 'AlreadyExists'),
  );
  store.rename('ab'.repeat(32), 'three');
  assert.equal(store.findByName('three')?.id, 'ab'.repeat(32));
  store.delete('ab'.repeat(32));
  assert.equal(store.get('ab'.repeat(32)), undefined);
});
