import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workdirInUpper } from './upper-workdir.js';

function layers(): { upper: string; top: string; bottom: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'upper-workdir-'));
  const [upper, top, bottom] = ['upper', 'top', 'bottom'].map((n) => join(dir, n)) as [string, string, string];
  for (const d of [upper, top, bottom]) mkdirSync(d);
  return { upper, top, bottom, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('an existing directory (in a lower layer) needs nothing', async () => {
  const l = layers();
  mkdirSync(join(l.bottom, 'srv', 'app'), { recursive: true });
  mkdirSync(join(l.top, 'srv'));
  assert.equal(await workdirInUpper(l.upper, [l.top, l.bottom], '/srv/app'), true);
  assert.deepEqual(readdirSync(l.upper), []);
  l.done();
});

test('a new directory: existing ancestors copied up with their mode, new ones 0755', async () => {
  const l = layers();
  mkdirSync(join(l.bottom, 'opt'));
  chmodSync(join(l.bottom, 'opt'), 0o1777);
  assert.equal(await workdirInUpper(l.upper, [l.top, l.bottom], '/opt/a/b'), true);
  assert.equal(statSync(join(l.upper, 'opt')).mode & 0o7777, 0o1777);
  assert.equal(statSync(join(l.upper, 'opt', 'a', 'b')).mode & 0o7777, 0o755);
  l.done();
});

test('a symlink or a file on the way is left to the mounted path', async () => {
  const l = layers();
  symlinkSync('/opt', join(l.top, 'link'));
  assert.equal(await workdirInUpper(l.upper, [l.top, l.bottom], '/link/x'), false);
  assert.deepEqual(readdirSync(l.upper), []);
  l.done();
});

test('a whiteout hides the lower directory', { skip: process.getuid?.() !== 0 && 'mknod needs root' }, async () => {
  const l = layers();
  mkdirSync(join(l.bottom, 'gone', 'deep'), { recursive: true });
  execFileSync('mknod', [join(l.top, 'gone'), 'c', '0', '0']);
  assert.equal(await workdirInUpper(l.upper, [l.top, l.bottom], '/gone'), true);
  assert.ok(statSync(join(l.upper, 'gone')).isDirectory());
  l.done();
});
