import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIgnored, mayReinclude, parseDockerignore } from './dockerignore.js';

test('dockerignore follows Docker pattern rules', () => {
  const p = parseDockerignore('# comment\n*.log\n/build/\n**/tmp\n!keep.log\ndocs/*.md\n!docs/README.md\nsec?et\n');
  assert.ok(isIgnored(p, 'a.log'));
  assert.ok(!isIgnored(p, 'sub/a.log'), '* does not cross directories');
  assert.ok(!isIgnored(p, 'keep.log'));
  assert.ok(isIgnored(p, 'build/x/y'), 'a matching directory excludes its contents');
  assert.ok(isIgnored(p, 'tmp'));
  assert.ok(isIgnored(p, 'a/b/tmp/c'));
  assert.ok(isIgnored(p, 'docs/x.md'));
  assert.ok(!isIgnored(p, 'docs/README.md'));
  assert.ok(isIgnored(p, 'secret'));
  assert.ok(!isIgnored(p, 'src/main.ts'));
});

test('dockerignore edge cases read as moby reads them', () => {
  // `#` starts a comment only in column one; a name with `#` elsewhere (or after a space) is a pattern.
  const p = parseDockerignore('\uFEFF#comment\n #hash\nnotes#1\n/rooted\n**/deep.tmp\n[!a]x\n[^b]y\n!\n');
  assert.ok(!isIgnored(p, '#comment'));
  assert.ok(isIgnored(p, '#hash'));
  assert.ok(isIgnored(p, 'notes#1'));
  assert.ok(
    isIgnored(p, 'rooted') && !isIgnored(p, 'sub/rooted'),
    'a leading / anchors at the context root, as any pattern',
  );
  assert.ok(isIgnored(p, 'deep.tmp') && isIgnored(p, 'a/b/deep.tmp'));
  assert.ok(isIgnored(p, '!x') && isIgnored(p, 'ax') && !isIgnored(p, 'cx'), 'Go classes: [!a] is "!" or "a"');
  assert.ok(isIgnored(p, 'cy') && !isIgnored(p, 'by'), '[^b] negates');
});

test('an excluded directory is walked when a ! pattern re-includes something inside', () => {
  const p = parseDockerignore('dir\n!dir/keep\nother\n');
  assert.ok(isIgnored(p, 'dir/drop') && !isIgnored(p, 'dir/keep'));
  assert.ok(mayReinclude(p, 'dir'));
  assert.ok(!mayReinclude(p, 'other'));
});
