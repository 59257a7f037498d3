import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerStartError, startExitCode } from './start-error.js';
import { isKind, notFound } from '../errdefs.js';

test("a start error carries Docker's exit code and kind", () => {
  assert.equal(new ContainerStartError('not-found', 'x').exitCode, 127);
  assert.equal(new ContainerStartError('cannot-run', 'x').exitCode, 126);
  assert.equal(new ContainerStartError('bad-executable', 'x').exitCode, 128);
  assert.equal(isKind(new ContainerStartError('not-found', 'x'), 'InvalidArgument'), true);
  assert.equal(isKind(new ContainerStartError('other', 'x'), 'Internal'), true);
  assert.equal(startExitCode(new ContainerStartError('cannot-run', 'x')), 126);
  // Whatever else failed (a mount, the network) is Docker's generic 128, whatever its wording.
  assert.equal(startExitCode(notFound('no such file or directory')), 128);
});
