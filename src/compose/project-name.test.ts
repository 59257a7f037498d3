import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseProjectName, projectName } from './project-name.js';

test('precedence: -p, then COMPOSE_PROJECT_NAME, then name:, then the directory', () => {
  const all = { flag: 'flag', env: 'env', fileName: 'file', workingDir: '/x/dir' };
  assert.equal(projectName(all), 'flag');
  assert.equal(projectName({ ...all, flag: undefined }), 'env');
  assert.equal(projectName({ fileName: 'file', workingDir: '/x/dir' }), 'file');
  assert.equal(projectName({ workingDir: '/x/My.App_1' }), 'myapp_1');
});

test('the directory name is normalised; explicit names must already be valid', () => {
  assert.equal(normaliseProjectName('__Hello World-2'), 'helloworld-2');
  assert.throws(() => projectName({ flag: 'Bad', workingDir: '/' }), /invalid project name "Bad"/);
  assert.throws(() => projectName({ fileName: '-x', workingDir: '/' }), /invalid project name "-x"/);
  assert.throws(() => projectName({ workingDir: '/.._' }), /project name can't be empty/);
});
