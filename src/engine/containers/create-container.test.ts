// Names of containers created without one: a drawn name that another container took while the create was in
// flight (a named create or a rename won the race) is drawn again, so an unnamed create never fails on its name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../drivers/metadata-store/database.js';
import { SqliteContainerStore } from '../../drivers/container-store-sqlite/sqlite-container-store.js';
import { LocalContainerFiles } from '../../drivers/container-files/local-container-files.js';
import { FakeSnapshotter } from '../images/fake-snapshotter.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { ContainerCreateRequest } from '../../spec/docker/containers.js';
import { createContainer, type CreateDeps } from './create-container.js';

async function withDeps(body: (deps: CreateDeps, store: SqliteContainerStore) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-create-'));
  const db = openDatabase({ root: dir });
  try {
    const store = new SqliteContainerStore(db);
    await body(
      {
        store,
        images: {
          resolve: async () => ({ id: `sha256:${'1'.repeat(64)}`, config: { Cmd: ['true'] }, topChainId: undefined }),
          idsFor: () => [],
        },
        snapshots: new FakeSnapshotter(),
        files: new LocalContainerFiles({ root: join(dir, 'containers') }),
        storageDriver: 'native',
      },
      store,
    );
  } finally {
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const request = { Image: 'busybox', HostConfig: { NetworkMode: 'none' } } as ContainerCreateRequest;

test('an unnamed create whose drawn name was taken meanwhile stores another name', () =>
  withDeps(async (deps, store) => {
    let rival: ContainerRecord | undefined;
    const racing: CreateDeps = {
      ...deps,
      store: Object.assign(Object.create(store) as SqliteContainerStore, {
        // Just before the first insert, a named create of the same name wins the race.
        insert(record: ContainerRecord): void {
          if (!rival) {
            rival = { ...record, id: 'f'.repeat(64), snapshotKey: 'f'.repeat(64) };
            store.insert(rival);
          }
          store.insert(record);
        },
      }),
    };
    const created = await createContainer(racing, request, undefined);
    assert.ok(rival);
    assert.notEqual(created.name, rival.name);
    assert.equal(store.get(created.id)?.name, created.name);
    assert.equal(store.findByName(rival.name)?.id, rival.id, 'the winner keeps its name');
  }));

test('a named create still fails with Docker conflict message when the name is taken', () =>
  withDeps(async (deps) => {
    const first = await createContainer(deps, request, 'web');
    await assert.rejects(createContainer(deps, request, '/web'), (err: Error) => {
      assert.equal(
        err.message,
        `Conflict. The container name "/web" is already in use by container "${first.id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
      return true;
    });
  }));

test('many concurrent unnamed creates get distinct names', () =>
  withDeps(async (deps, store) => {
    const made = await Promise.all(Array.from({ length: 400 }, () => createContainer(deps, request, undefined)));
    assert.equal(new Set(made.map((c) => c.name)).size, 400);
    assert.equal(store.list().length, 400);
  }));
