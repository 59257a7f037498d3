import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIgnored, parseDockerignore } from './dockerignore.js';

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
