// Splits a Go text/template into tokens: text between actions, and the words inside `{{ }}`.
// Follows text/template's lexer: trim markers `{{- ` and ` -}}`, comments, raw strings, chained fields.
import { TemplateError } from './errors.js';

export type TokenKind =
  | 'text'
  | 'left'
  | 'right'
  | 'space'
  | 'identifier'
  | 'field'
  | 'variable'
  | 'dot'
  | 'string'
  | 'rawString'
  | 'char'
  | 'number'
  | 'bool'
  | 'nil'
  | 'pipe'
  | 'lparen'
  | 'rparen'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
}

const SPACE = /[ \t\r\n]/;
const UNICODE_ALNUM = /[\p{L}\p{N}]/u;
/** A letter, a digit or `_`, as Go reads an identifier. ASCII is told apart without the Unicode pattern, whose first
 * use costs a CLI command ~0.3 ms of CPU (V8 builds its tables), and a command's template is ASCII. */
const isAlnum = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  if (c < '\x80') return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_';
  return UNICODE_ALNUM.test(c);
};

export function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let trimNextText = false;
  while (pos < input.length) {
    const left = input.indexOf('{{', pos);
    let text = input.slice(pos, left < 0 ? input.length : left);
    if (trimNextText) text = text.replace(/^[ \t\r\n]+/, '');
    trimNextText = false;
    if (left < 0) {
      if (text) tokens.push({ kind: 'text', text, pos });
      pos = input.length;
      break;
    }
    const trimLeft = input[left + 2] === '-' && SPACE.test(input[left + 3] ?? '');
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
    if (text) tokens.push({ kind: 'text', text, pos });
    pos = left + 2 + (trimLeft ? 2 : 0);
    // A comment fills the whole action.
    if (input.startsWith('/*', pos)) {
      const end = input.indexOf('*/', pos + 2);
      if (end < 0) throw new TemplateError(lineOf(input, left), 'unclosed comment');
      pos = end + 2;
      const close = closeDelim(input, pos);
      if (!close) throw new TemplateError(lineOf(input, left), 'comment ends before closing delimiter');
      trimNextText = close.trim;
      pos = close.end;
      continue;
    }
    tokens.push({ kind: 'left', text: '{{', pos: left });
    pos = lexAction(input, pos, tokens, left);
    const close = closeDelim(input, pos);
    if (!close) throw new TemplateError(lineOf(input, left), 'unclosed action');
    tokens.push({ kind: 'right', text: '}}', pos });
    trimNextText = close.trim;
    pos = close.end;
  }
  tokens.push({ kind: 'eof', text: '', pos: input.length });
  return tokens;
}

function closeDelim(input: string, pos: number): { end: number; trim: boolean } | undefined {
  const m = /^[ \t\r\n]*-}}/.exec(input.slice(pos, pos + 64));
  if (m && SPACE.test(input[pos] ?? '')) return { end: pos + m[0].length, trim: true };
  if (input.startsWith('}}', pos)) return { end: pos + 2, trim: false };
  return undefined;
}

export function lineOf(input: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < input.length; i++) if (input[i] === '\n') line++;
  return line;
}

/** Lexes the inside of one action; returns the position of its closing delimiter. */
function lexAction(input: string, start: number, tokens: Token[], left: number): number {
  let pos = start;
  let parens = 0;
  const push = (kind: TokenKind, end: number): void => {
    tokens.push({ kind, text: input.slice(pos, end), pos });
    pos = end;
    if (kind === 'field' || kind === 'identifier' || kind === 'variable' || kind === 'bool' || kind === 'nil') {
      const next = input[pos];
      if (next !== undefined && !/[ \t\r\n.,|:=)(]/.test(next) && !input.startsWith('}}', pos)) {
        throw new TemplateError(lineOf(input, left), `bad character ${charName(next)}`);
      }
    }
  };
  for (;;) {
    if (pos >= input.length) throw new TemplateError(lineOf(input, left), 'unclosed action');
    if (closeDelim(input, pos) && parens === 0) return pos;
    const c = input[pos] as string;
    if (SPACE.test(c)) {
      let end = pos;
      while (end < input.length && SPACE.test(input[end] as string)) end++;
      push('space', end);
      continue;
    }
    if (input.startsWith('}}', pos)) throw new TemplateError(lineOf(input, left), 'unclosed left paren');
    if (c === '|') push('pipe', pos + 1);
    else if (c === '(') {
      parens++;
      push('lparen', pos + 1);
    } else if (c === ')') {
      if (--parens < 0) throw new TemplateError(lineOf(input, left), `unexpected right paren`);
      push('rparen', pos + 1);
    } else if (c === ',') push('comma', pos + 1);
    else if (c === ':' && input[pos + 1] === '=') push('declare', pos + 2);
    else if (c === '=') push('assign', pos + 1);
    else if (c === '"') push('string', scanQuoted(input, pos, '"', left));
    else if (c === '`') {
      const end = input.indexOf('`', pos + 1);
      if (end < 0) throw new TemplateError(lineOf(input, left), 'unterminated raw quoted string');
      push('rawString', end + 1);
    } else if (c === "'") push('char', scanQuoted(input, pos, "'", left));
    else if (c === '$') {
      let end = pos + 1;
      while (isAlnum(input[end])) end++;
      push('variable', end);
    } else if (c === '.') {
      if (/[0-9]/.test(input[pos + 1] ?? '')) push('number', scanNumber(input, pos));
      else if (isAlnum(input[pos + 1])) {
        let end = pos + 1;
        while (isAlnum(input[end])) end++;
        push('field', end);
      } else push('dot', pos + 1);
    } else if (/[0-9+-]/.test(c)) push('number', scanNumber(input, pos));
    else if (isAlnum(c)) {
      let end = pos;
      while (isAlnum(input[end])) end++;
      const word = input.slice(pos, end);
      push(word === 'true' || word === 'false' ? 'bool' : word === 'nil' ? 'nil' : 'identifier', end);
    } else throw new TemplateError(lineOf(input, left), `unrecognized character in action: ${charName(c)}`);
  }
}

function scanQuoted(input: string, start: number, quote: string, left: number): number {
  let pos = start + 1;
  while (pos < input.length && input[pos] !== quote) {
    if (input[pos] === '\\') pos++;
    if (input[pos] === '\n') break;
    pos++;
  }
  if (input[pos] !== quote) throw new TemplateError(lineOf(input, left), `unterminated quoted string`);
  return pos + 1;
}

function scanNumber(input: string, start: number): number {
  const m = /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?)i?/.exec(
    input.slice(start),
  );
  const len = m?.[0].length ?? 0;
  return start + Math.max(len, 1);
}

/** Go's %#U: `U+007D '}'`. */
function charName(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}
