import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIGRATIONS } from './migrations.js';

test('migrations are numbered in increasing order without repeats (numbers are assigned per domain, so gaps may exist while one lands)', () => {
  const versions = MIGRATIONS.map((m) => m.version);
  assert.deepEqual(
    versions,
    [...new Set(versions)].sort((a, b) => a - b),
  );
  assert.equal(versions[0], 1);
  assert.ok(MIGRATIONS.every((m) => m.name.length > 0 && m.sql.trim().length > 0));
});

test('openDatabase applies every migration once, in WAL mode, and reopens cleanly', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { openDatabase } = await import('./database.js');
  const root = mkdtempSync(join(tmpdir(), 'berth-db-'));
  try {
    for (let i = 0; i < 2; i++) {
      const db = openDatabase({ root });
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.deepEqual(
        db.prepare('SELECT version FROM schema_migrations ORDER BY version').all(),
        MIGRATIONS.map((m) => ({ version: m.version })),
      );
      db.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
