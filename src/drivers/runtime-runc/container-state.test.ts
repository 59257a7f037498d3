// meta.json across a kill -9 of the daemon: a rewrite cut short leaves the earlier meta readable, never an empty file.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerStateDirs, type ContainerMeta } from './container-state.js';

const fsPromises = createRequire(import.meta.url)('node:fs/promises') as typeof import('node:fs/promises');
const ID = 'a'.repeat(64);
const meta = (cgroupsPath: string): ContainerMeta => ({
  bundleDir: '/b',
  rootfs: '/b/rootfs',
  logPath: '/l',
  cgroupsPath,
  policy: { maxSize: 0, maxFile: 1 },
});

test('a rewrite of meta.json that the daemon died in leaves the earlier one, not an empty file', async () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-state-'));
  try {
    const states = new ContainerStateDirs(root);
    mkdirSync(states.dir(ID), { recursive: true });
    await states.writeMeta(ID, meta(''));
    // The daemon dies inside the second write (run() rewrites the meta once the cgroup is known): the file it was
    // writing is opened, truncated, and nothing more happens.
    const realWriteFile = fsPromises.writeFile;
    mock.method(fsPromises, 'writeFile', async (path: string) => {
      await realWriteFile(path, '');
      throw new Error('killed');
    });
    syncBuiltinESMExports();
    try {
      await assert.rejects(states.writeMeta(ID, meta('/berth/x')), /killed/);
    } finally {
      mock.restoreAll();
      syncBuiltinESMExports();
    }
    // The next daemon reads what the first write left (it could not even parse an empty file before).
    assert.deepEqual(await new ContainerStateDirs(root).meta(ID), meta(''));
    // A leftover temp file goes with the state dir; nothing else is made.
    assert.deepEqual(readdirSync(states.dir(ID)).sort(), ['meta.json', 'meta.json.tmp']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
