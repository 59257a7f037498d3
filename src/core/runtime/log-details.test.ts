import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logDetailsPrefix, queryEscape } from './log-details.js';

test("--details prefixes: dockerd's attributes sorted and query-escaped, a lone space without any", () => {
  assert.equal(logDetailsPrefix(undefined, undefined, undefined), ' ');
  assert.equal(
    logDetailsPrefix({ labels: 'b,missing', env: 'FOO', 'env-regex': '^X' }, { b: 'two words', a: 'x' }, [
      'FOO=1=2',
      'XY=z',
      'BAR=no',
    ]),
    'FOO=1%3D2,XY=z,b=two+words ',
  );
  assert.equal(queryEscape('a/b é~'), 'a%2Fb+%C3%A9~');
});
