import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLogDriver, checkLogsReadable } from './log-drivers.js';
import { isKind } from '../errdefs.js';

test('log drivers: none is known and refuses reading with 501; unknown drivers are refused by name', () => {
  for (const name of ['json-file', 'local', 'k8s-file', 'none']) checkLogDriver(name);
  assert.throws(
    () => checkLogDriver('syslog'),
    (err: Error) => isKind(err, 'InvalidArgument') && /no log driver named 'syslog'/.test(err.message),
  );
  assert.throws(
    () => checkLogsReadable('none'),
    (err: Error) =>
      isKind(err, 'NotImplemented') && err.message === 'configured logging driver does not support reading',
  );
  checkLogsReadable('json-file');
  checkLogsReadable(undefined);
});
