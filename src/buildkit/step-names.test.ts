import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stepVertexName } from './dockerfile-frontend.js';
import { goFileKind, unixPermissions, GO_MODE } from './go-file-mode.js';

const step = { stage: { index: 0, name: undefined }, stageCount: 1, ordinal: 2, total: 3, text: 'RUN echo hi' };

test('vertex names as BuildKit shows them', () => {
  assert.equal(stepVertexName(step), '[2/3] RUN echo hi');
  assert.equal(
    stepVertexName({ ...step, stageCount: 2, stage: { index: 1, name: 'build' } }),
    '[build 2/3] RUN echo hi',
  );
  assert.equal(
    stepVertexName({ ...step, stageCount: 2, stage: { index: 1, name: undefined } }),
    '[stage-1 2/3] RUN echo hi',
  );
  assert.equal(
    stepVertexName({ ...step, ordinal: 1, text: 'FROM busybox', image: 'busybox' }),
    '[1/3] FROM docker.io/library/busybox',
  );
  assert.equal(
    stepVertexName({ ...step, ordinal: 1, text: 'FROM reg:5000/a/b:1', image: 'reg:5000/a/b:1' }),
    '[1/3] FROM reg:5000/a/b:1',
  );
});

test("Go's file mode bits", () => {
  assert.equal(goFileKind(0o644), 'file');
  assert.equal(goFileKind(GO_MODE.dir | 0o755), 'dir');
  assert.equal(goFileKind(GO_MODE.symlink | 0o777), 'symlink');
  assert.equal(goFileKind(GO_MODE.namedPipe | 0o644), 'other');
  assert.equal(unixPermissions(GO_MODE.dir | GO_MODE.setgid | 0o755), 0o2755);
});
