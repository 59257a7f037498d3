// The functions every Go template has (text/template's builtins), except and/or, which the executor
// evaluates lazily as Go does.
import { sprintf, goTypeName } from './printf.js';
import { MISSING, isObject, isTrue, printValue } from './values.js';

export type TemplateFunc = (...args: unknown[]) => unknown;

const basic = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function comparable(a: unknown, b: unknown): void {
  if (a === MISSING || b === MISSING || a === null || b === null) return;
  if (!basic(a) || !basic(b)) throw new Error('invalid type for comparison');
  if (typeof a !== typeof b) throw new Error('incompatible types for comparison');
}

function eq(first: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new Error('missing argument for comparison');
  return rest.some((other) => {
    comparable(first, other);
    return (first === MISSING ? null : first) === (other === MISSING ? null : other);
  });
}

function order(a: unknown, b: unknown): number {
  if (!basic(a) || !basic(b) || typeof a === 'boolean' || typeof b === 'boolean')
    throw new Error('invalid type for comparison');
  if (typeof a !== typeof b) throw new Error('incompatible types for comparison');
  return a < b ? -1 : a > b ? 1 : 0;
}

function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += printValue(a);
  });
  return out;
}

function indexInto(item: unknown, key: unknown): unknown {
  if (Array.isArray(item) || typeof item === 'string') {
    if (typeof key !== 'number' || !Number.isInteger(key))
      throw new Error(`cannot index slice/array with type ${goTypeName(key)}`);
    const len = typeof item === 'string' ? Buffer.byteLength(item) : item.length;
    if (key < 0 || key >= len) throw new Error(`index out of range: ${key}`);
    return typeof item === 'string' ? Buffer.from(item)[key] : item[key];
  }
  if (isObject(item)) {
    if (typeof key !== 'string') throw new Error(`value has type ${goTypeName(key)}; should be string`);
    if (Object.hasOwn(item, key)) return item[key];
    // A missing key gives the zero value: "" for a map of strings, <no value> otherwise.
    const values = Object.values(item);
    return values.length > 0 && values.every((x) => typeof x === 'string') ? '' : MISSING;
  }
  if (item === null || item === MISSING) return MISSING;
  throw new Error(`can't index item of type ${goTypeName(item)}`);
}

function length(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (isObject(v)) return Object.keys(v).length;
  if (v === null) return 0;
  throw new Error(`len of type ${goTypeName(v)}`);
}

const HTML_ESCAPES: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  "'": '&#39;',
  '"': '&#34;',
  '\0': '\uFFFD',
};

export const BUILTINS: Record<string, TemplateFunc> = {
  not: (v) => !isTrue(v),
  len: length,
  index: (item, ...keys) => keys.reduce(indexInto, item),
  slice: (item, ...idx) => {
    const n = idx.map(Number);
    if (typeof item === 'string') return item.slice(n[0] ?? 0, n[1]);
    if (Array.isArray(item)) return item.slice(n[0] ?? 0, n[1]);
    throw new Error(`can't slice item of type ${goTypeName(item)}`);
  },
  print: (...args) => sprint(args),
  println: (...args) => `${args.map((a) => printValue(a)).join(' ')}\n`,
  printf: (format, ...args) => sprintf(String(format), args),
  eq,
  ne: (a, b) => !eq(a, b),
  lt: (a, b) => order(a, b) < 0,
  le: (a, b) => order(a, b) <= 0,
  gt: (a, b) => order(a, b) > 0,
  ge: (a, b) => order(a, b) >= 0,
  html: (...args) => sprint(args).replace(/[<>&'"\0]/g, (c) => HTML_ESCAPES[c] ?? c),
  js: (...args) =>
    sprint(args).replace(/[\\'"<>&=\n\r\t]/g, (c) =>
      c === '\\' || c === "'" || c === '"'
        ? `\\${c}`
        : `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
    ),
  urlquery: (...args) =>
    encodeURIComponent(sprint(args))
      .replace(/%20/g, '+')
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
};
