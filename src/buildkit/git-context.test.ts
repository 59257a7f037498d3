import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGitContext, parseGitRef } from './git-context.js';

test('git contexts are told apart as buildx tells them', () => {
  assert.equal(isGitContext('git://127.0.0.1:9418/repo.git'), true);
  assert.equal(isGitContext('https://example.com/org/repo.git#main'), true);
  assert.equal(isGitContext('git@example.com:org/repo.git'), true);
  assert.equal(isGitContext('http://127.0.0.1:8080/ctx.tar'), false);
  assert.equal(isGitContext('http://buildkit-session/abc'), false);
});

test('URL#REF:SUBDIR splits as BuildKit splits it', () => {
  assert.deepEqual(parseGitRef('git://h/r.git'), { remote: 'git://h/r.git', ref: undefined, subdir: '' });
  assert.deepEqual(parseGitRef('git://h/r.git#v1'), { remote: 'git://h/r.git', ref: 'v1', subdir: '' });
  assert.deepEqual(parseGitRef('git://h/r.git#v1:app/x'), { remote: 'git://h/r.git', ref: 'v1', subdir: 'app/x' });
  assert.deepEqual(parseGitRef('git://h/r.git#:app'), { remote: 'git://h/r.git', ref: undefined, subdir: 'app' });
  assert.throws(() => parseGitRef('git://h/r.git#--upload-pack=x'), /invalid git context/);
});
