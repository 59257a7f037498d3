import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLogDriver, checkLogsReadable } from './log-drivers.js';
import { isKind } from '../errdefs.js';

test('log drivers: none is known and refuses reading with 501; Docker drivers berth lacks are refused by name, other names as Docker refuses a missing plugin', () => {
  for (const name of ['json-file', 'local', 'k8s-file', 'none']) checkLogDriver(name);
  assert.throws(
    () => checkLogDriver('syslog'),
    (err: Error) => isKind(err, 'InvalidArgument') && /no log driver named 'syslog'/.test(err.message),
  );
  assert.throws(
    () => checkLogDriver('no-such-driver'),
    (err: Error) =>
      isKind(err, 'InvalidArgument') &&
      err.message === 'error looking up logging plugin no-such-driver: plugin "no-such-driver" not found',
  );
  assert.throws(
    () => checkLogsReadable('none'),
    (err: Error) =>
      isKind(err, 'NotImplemented') && err.message === 'configured logging driver does not support reading',
  );
  checkLogsReadable('json-file');
  checkLogsReadable(undefined);
});
