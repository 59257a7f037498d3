import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalContainerFs } from './local-container-fs.js';
import type { ContainerView } from '../../core/containers/container-fs.js';

// A name over NAME_MAX (255 bytes) makes the kernel answer ENAMETOOLONG: the caller's error, never a 500.
const overlong = `/${'a'.repeat(300)}`;

async function withView(use: (fs: LocalContainerFs, view: ContainerView) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-cfs-'));
  try {
    await writeFile(join(dir, 'present'), 'x');
    await use(new LocalContainerFs(join(dir, '.mounts')), { root: dir, mounts: [], readOnlyRoot: false });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const refusedForLength = { kind: 'InvalidArgument', message: /^file name too long: \/a{300}/ };

test('stat, archive and extract refuse a name over NAME_MAX as invalid, not as a failure of the daemon', async () => {
  await withView(async (fs, view) => {
    assert.equal((await fs.statPath(view, '/present')).size, 1);
    await assert.rejects(fs.statPath(view, overlong), refusedForLength);
    await assert.rejects(fs.statPath(view, `${overlong}/`), refusedForLength);
    await assert.rejects(fs.archivePath(view, overlong), refusedForLength);
    await assert.rejects(
      fs.extractToDir(view, overlong, Readable.from([]), { noOverwriteDirNonDir: false }),
      refusedForLength,
    );
  });
});
