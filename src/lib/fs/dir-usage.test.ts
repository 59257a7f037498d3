import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dirUsage } from './dir-usage.js';

test('usage counts file bytes and inodes, hardlinks once, symlinks not followed', async () => {
  const root = mkdtempSync(join(tmpdir(), 'usage-'));
  try {
    mkdirSync(join(root, 'd'));
    writeFileSync(join(root, 'd/a'), 'x'.repeat(1000));
    linkSync(join(root, 'd/a'), join(root, 'hard'));
    writeFileSync(join(root, 'b'), 'yy');
    symlinkSync('/etc', join(root, 'etc'));
    assert.deepEqual(await dirUsage(root), { size: 1002, inodes: 4 });
    const aborted = AbortSignal.abort();
    await assert.rejects(dirUsage(root, { signal: aborted }), { name: 'AbortError' });
  } finally {
    rmSync(root, { recursive: true });
  }
});
