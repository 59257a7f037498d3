import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShellLex } from './shell-lex.js';

const env = new Map([
  ['A', 'x'],
  ['EMPTY', ''],
  ['SP', 'a b'],
]);
const lex = new ShellLex('\\', 7);

test('variables: plain, braces, defaults and alternatives', () => {
  assert.equal(lex.processWord('$A-${A}', env), 'x-x');
  assert.equal(lex.processWord('${NOPE:-def}', env), 'def');
  assert.equal(lex.processWord('${EMPTY:-def}', env), 'def');
  assert.equal(lex.processWord('${EMPTY-def}', env), '');
  assert.equal(lex.processWord('${A:+alt}', env), 'alt');
  assert.equal(lex.processWord('${EMPTY:+alt}', env), '');
  assert.equal(lex.processWord('${EMPTY+alt}', env), 'alt');
  assert.equal(lex.processWord('${NOPE:-$A}', env), 'x');
  assert.equal(lex.processWord('$', env), '$');
});

test('quotes and escapes', () => {
  assert.equal(lex.processWord(`'$A' "$A" \\$A`, env), '$A x $A');
  assert.equal(lex.processWord('"a \\"b\\""', env), 'a "b"');
  assert.deepEqual(lex.processWords('one "two three" $SP', env), ['one', 'two three', 'a', 'b']);
});

test('errors name the line', () => {
  assert.throws(
    () => lex.processWord("'open", env),
    /line 7: unexpected end of statement while looking for matching single-quote/,
  );
  assert.throws(() => lex.processWord('${NOPE:?is required}', env), /NOPE: is required/);
  assert.throws(() => lex.processWord('${A', env), /missing }/);
});
