// ADD of a local archive and the build context against the hostile-tree corpus, each aimed at a host
// directory: plain and compressed (gzip, bzip2, xz). The first case is the escape seen before the one
// extractor: `x -> /host/dir` then a directory entry `x/` made the host directory 0777.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { archiveKind, extractArchiveInRoot } from './add-archive.js';
import { receiveContext } from './build-context.js';
import { assertVictimUntouched, hostileTrees, makeVictim } from '../../test/fixtures/hostile-tars.js';

const skip = process.getuid?.() !== 0 && 'needs root (owners from the archive)';

const compress = (tar: Buffer, kind: 'tar' | 'gzip' | 'bzip2' | 'xz'): Buffer =>
  kind === 'tar' ? tar : kind === 'gzip' ? gzipSync(tar) : execFileSync(kind, ['-c', '-z'], { input: tar });

for (const kind of ['tar', 'gzip', 'bzip2', 'xz'] as const) {
  test(`ADD of a hostile ${kind} archive stays in the image's tree`, { skip }, async () => {
    const victim = makeVictim();
    const work = mkdtempSync(join(tmpdir(), 'add-archive-'));
    try {
      const corpus = await hostileTrees(victim.dir);
      for (const [i, c] of corpus.entries()) {
        const root = join(work, `root-${i}`);
        execFileSync('mkdir', ['-p', join(root, 'opt')]);
        const archive = join(work, `a-${i}`);
        writeFileSync(archive, compress(c.tar, kind));
        assert.equal(await archiveKind(archive), kind, c.name);
        const done = extractArchiveInRoot(archive, kind, root, i % 2 ? '/' : '/opt/', {
          owner: undefined,
          mode: undefined,
        });
        if (c.expect === 'refused') await assert.rejects(done, /ADD failed: invalid archive/, c.name);
        else await done;
        assertVictimUntouched(victim.dir, `${kind}: ${c.name}`);
      }
      // The reported case lands as a directory inside the tree.
      const first = join(work, 'root-0', 'opt', 'x');
      assert.ok(lstatSync(first).isDirectory());
      assert.equal(lstatSync(first).mode & 0o7777, 0o777);
    } finally {
      victim.cleanup();
      rmSync(work, { recursive: true, force: true });
    }
  });
}

test('ADD --chown/--chmod apply to what an archive unpacks, and to the directories made for it', { skip }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'add-archive-'));
  try {
    const archive = join(work, 'a.tar');
    execFileSync('sh', ['-c', `mkdir -p src/d && echo hi > src/d/f && tar -C src -cf ${archive} d`], { cwd: work });
    const root = join(work, 'root');
    execFileSync('mkdir', [root]);
    await extractArchiveInRoot(archive, 'tar', root, '/new/dest', { owner: { uid: 1234, gid: 5678 }, mode: 0o640 });
    for (const p of ['new', 'new/dest', 'new/dest/d']) assert.equal(lstatSync(join(root, p)).uid, 1234, p);
    assert.equal(lstatSync(join(root, 'new/dest/d/f')).mode & 0o7777, 0o640);
    assert.equal(lstatSync(join(root, 'new/dest/d/f')).gid, 5678);
    assert.equal(readFileSync(join(root, 'new/dest/d/f'), 'utf8'), 'hi\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('a hostile build context stays in its directory', { skip }, async () => {
  const victim = makeVictim();
  const work = mkdtempSync(join(tmpdir(), 'build-context-'));
  try {
    for (const [i, c] of (await hostileTrees(victim.dir)).entries()) {
      const done = receiveContext(Readable.from(i % 2 ? gzipSync(c.tar) : c.tar), join(work, `ctx-${i}`));
      if (c.expect === 'refused') await assert.rejects(done, /invalid build context/, c.name);
      else await done;
      assertVictimUntouched(victim.dir, c.name);
    }
  } finally {
    victim.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
});
