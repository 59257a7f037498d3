// How Go prints and marshals the values a template sees. Template data is JSON-shaped (strings,
// numbers, booleans, null, arrays, plain objects); objects print as Go maps (`map[k:v]`, keys sorted),
// arrays as slices (`[a b]`), and a key that is absent as `<no value>`.

/** The value of a field or key that does not exist; prints as `<no value>`. */
export const MISSING: unique symbol = Symbol('missing');

/** An object may carry its own Go JSON encoding (docker's formatter contexts marshal with HTML escaping). */
export const GO_JSON: unique symbol = Symbol('go-json');

export interface GoJsonMarshaler {
  [GO_JSON](): string;
}

export type NullPrinter = (fieldName: string | undefined) => string;

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** Go's fmt %v of a value. */
export function printValue(v: unknown, nullText: NullPrinter = () => '<nil>', field?: string): string {
  if (v === MISSING || v === undefined) return '<no value>';
  if (v === null) return nullText(field);
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.map((e) => printValue(e, nullText)).join(' ')}]`;
  if (v instanceof Date) return v.toISOString();
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${printValue(v[k], nullText, k)}`).join(' ')}]`;
  }
  return String(v);
}

/** Integers print as Go ints; other numbers as Go's %v of a float64 (shortest, exponent from 1e21). */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21) return goExponent(n.toExponential());
  return String(n);
}

/** JS `1.5e+6` -> Go `1.5e+06` (exponent at least two digits). */
export function goExponent(text: string): string {
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Go's truthiness for if/with/and/or/not. */
export function isTrue(v: unknown): boolean {
  if (v === MISSING || v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0 || GO_JSON in v;
  return true;
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A string as Go's encoding/json writes it. */
export function goJsonString(s: string, escapeHtml: boolean): string {
  const pattern = escapeHtml ? /["\\\u0000-\u001f<>&\u2028\u2029]/g : /["\\\u0000-\u001f\u2028\u2029]/g;
  return `"${s.replace(pattern, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** Go's json.Marshal of a JSON-shaped value; object keys keep their order (struct fields do in Go). */
export function goJson(v: unknown, escapeHtml = true): string {
  if (v === MISSING || v === undefined || v === null) return 'null';
  if (typeof v === 'string') return goJsonString(v, escapeHtml);
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((e) => goJson(e, escapeHtml)).join(',')}]`;
  if (v instanceof Date) return JSON.stringify(v);
  if (isObject(v)) {
    if (GO_JSON in v) return (v as unknown as GoJsonMarshaler)[GO_JSON]();
    return `{${Object.entries(v)
      .filter(([, e]) => typeof e !== 'function')
      .map(([k, e]) => `${goJsonString(k, escapeHtml)}:${goJson(e, escapeHtml)}`)
      .join(',')}}`;
  }
  return 'null';
}

/**
 * Go's json.Indent over raw JSON text: re-indents without re-encoding, so strings keep the exact
 * escaping the producer chose. Empty objects and arrays stay `{}` and `[]`.
 */
export function indentJson(raw: string, indent = '    ', prefix = ''): string {
  let out = '';
  let depth = 0;
  let needIndent = false;
  const newline = (): string => `\n${prefix}${indent.repeat(depth)}`;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (needIndent && c !== ']' && c !== '}') {
      needIndent = false;
      depth++;
      out += newline();
    }
    if (c === '"') {
      let j = i + 1;
      while (j < raw.length && raw[j] !== '"') j += raw[j] === '\\' ? 2 : 1;
      out += raw.slice(i, j + 1);
      i = j;
    } else if (c === '{' || c === '[') {
      out += c;
      needIndent = true;
    } else if (c === '}' || c === ']') {
      if (needIndent) needIndent = false;
      else {
        depth--;
        out += newline();
      }
      out += c;
    } else if (c === ',') out += `,${newline()}`;
    else if (c === ':') out += ': ';
    else out += c;
  }
  return out;
}
