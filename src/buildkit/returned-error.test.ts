import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Code } from '@connectrpc/connect';
import { returnedError } from './returned-error.js';

test("a Return's message loses the client's rendering of its own code, once", () => {
  const e = returnedError(Code.Unimplemented, 'Unimplemented: platform linux/arm64 is not supported');
  assert.equal(e.rawMessage, 'platform linux/arm64 is not supported');
  assert.equal(e.code, Code.Unimplemented);
  assert.equal(returnedError(Code.Unimplemented, 'Unimplemented: Unimplemented: x').rawMessage, 'Unimplemented: x');
});

test('another code, Unknown, or no prefix: the message as sent', () => {
  assert.equal(returnedError(Code.NotFound, 'Unimplemented: x').rawMessage, 'Unimplemented: x');
  assert.equal(returnedError(Code.Unknown, 'Unknown: x').rawMessage, 'Unknown: x');
  assert.equal(returnedError(Code.Internal, 'process "sh" failed').rawMessage, 'process "sh" failed');
});
