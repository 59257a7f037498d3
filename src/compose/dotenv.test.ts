import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDotenv } from './dotenv.js';

test('KEY=VALUE lines, comments, export, quotes and interpolation from earlier lines', () => {
  const text = [
    '# a comment',
    'A=1',
    'export B = two words ',
    "C='literal ${A} # kept'",
    'D="line\\nbreak ${A}"',
    'E=${A}-${B} # trailing comment',
    'F=',
    'G="multi',
    'line"',
    'FROM_SHELL',
    'NOT_IN_SHELL',
  ].join('\n');
  const vars = parseDotenv(text, '.env', (n) => (n === 'FROM_SHELL' ? 'shell' : undefined));
  assert.deepEqual(Object.fromEntries(vars), {
    A: '1',
    B: 'two words',
    C: 'literal ${A} # kept',
    D: 'line\nbreak 1',
    E: '1-two words',
    F: '',
    G: 'multi\nline',
    FROM_SHELL: 'shell',
  });
});

test('a bad variable name names the file and line', () => {
  assert.throws(
    () => parseDotenv('A=1\nB C=2\n', '/p/.env'),
    /\/p\/.env:2: unexpected character in variable name "B C"/,
  );
});
