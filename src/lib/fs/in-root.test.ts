import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveInRoot, escapesLexically, isPlainName } from './in-root.js';

test('symlinks and .. never leave the root', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inroot-'));
  try {
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    symlinkSync('/', join(root, 'toroot'));
    symlinkSync('../../../../etc', join(root, 'usr/up'));
    symlinkSync('usr/bin', join(root, 'bin'));
    symlinkSync('loop2', join(root, 'loop1'));
    symlinkSync('loop1', join(root, 'loop2'));
    assert.equal(await resolveInRoot(root, '/toroot/etc/passwd'), join(root, 'etc/passwd'));
    assert.equal(await resolveInRoot(root, '../../etc/passwd'), join(root, 'etc/passwd'));
    assert.equal(await resolveInRoot(root, 'usr/up/shadow'), join(root, 'etc/shadow'));
    assert.equal(await resolveInRoot(root, 'bin/sh'), join(root, 'usr/bin/sh'));
    assert.equal(await resolveInRoot(root, 'bin', false), join(root, 'bin'));
    await assert.rejects(resolveInRoot(root, 'loop1/x'), /too many levels/);
    // `..` applies after the symlink before it, as in a chroot: bin -> usr/bin, so bin/.. is usr.
    assert.equal(await resolveInRoot(root, 'bin/../lib'), join(root, 'usr/lib'));
    assert.equal(await resolveInRoot(root, 'toroot/../../..'), root);
    symlinkSync('../../../..', join(root, 'usr/bin/deep'));
    assert.equal(await resolveInRoot(root, 'bin/deep/etc/passwd'), join(root, 'etc/passwd'));
  } finally {
    rmSync(root, { recursive: true });
  }
});

test('lexical escapes are spotted', () => {
  assert.equal(escapesLexically('../x'), true);
  assert.equal(escapesLexically('a/../../x'), true);
  assert.equal(escapesLexically('a/../b/./c'), false);
  assert.equal(escapesLexically('/abs/path'), false);
});

test('plain names are single entries', () => {
  assert.equal(isPlainName('gone'), true);
  assert.equal(isPlainName('.hidden'), true);
  for (const bad of ['', '.', '..', 'a/b', 'x\0y']) assert.equal(isPlainName(bad), false, bad);
});
