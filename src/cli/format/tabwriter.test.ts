import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tabwrite } from './tabwriter.js';

test('columns take the widest cell plus 3, at least 10; last cell unpadded', () => {
  const text = 'REPOSITORY\tTAG\tIMAGE ID\nbusybox\tlatest\t838c97e3a554\n';
  assert.equal(tabwrite(text), 'REPOSITORY   TAG       IMAGE ID\nbusybox      latest    838c97e3a554\n');
});

test('a line without a tab ends the column block', () => {
  const text = 'a\tb\nplain line\nlonger-cell-here\tc\n';
  assert.equal(tabwrite(text), 'a         b\nplain line\nlonger-cell-here   c\n');
});

test('cells counted in characters, not bytes', () => {
  assert.equal(tabwrite('é\tx\n'), 'é         x\n');
});
