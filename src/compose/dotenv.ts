// `.env` and `env_file` files, as Compose reads them: `KEY=VALUE` lines, an optional `export ` prefix, `#`
// comments, single quotes literal, double quotes with escapes, and `${VAR}` in unquoted and double-quoted values
// interpolated from the lines above and the given environment. A bare `KEY` takes the environment's value, if any.
import { ComposeError } from './errors.js';
import { interpolateString, type Lookup } from './interpolate.js';

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** The variables of an env file's text, in order; `file` names it in errors. */
export function parseDotenv(text: string, file: string, lookup: Lookup = () => undefined): Map<string, string> {
  const vars = new Map<string, string>();
  const seen: Lookup = (name) => vars.get(name) ?? lookup(name);
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    let line = (lines[n] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice('export '.length).trimStart();
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (!KEY.test(key)) throw new ComposeError(`${file}:${n + 1}: unexpected character in variable name "${key}"`);
    if (eq < 0) {
      const value = lookup(key);
      if (value !== undefined) vars.set(key, value);
      continue;
    }
    let raw = line.slice(eq + 1).trimStart();
    const quote = raw[0];
    if (quote === "'" || quote === '"') {
      // A quoted value may run over several lines.
      while (!closed(raw, quote) && n + 1 < lines.length) raw += `\n${lines[++n] as string}`;
      if (!closed(raw, quote)) throw new ComposeError(`${file}:${n + 1}: unterminated quoted value for ${key}`);
      const inner = raw.slice(1, closingQuote(raw, quote));
      vars.set(key, quote === "'" ? inner : interpolateString(unescape(inner), seen, `${file}: ${key}`));
      continue;
    }
    const hash = raw.search(/\s#/);
    if (hash >= 0) raw = raw.slice(0, hash);
    vars.set(key, interpolateString(raw.trim(), seen, `${file}: ${key}`));
  }
  return vars;
}

function closingQuote(raw: string, quote: string): number {
  for (let i = 1; i < raw.length; i++) {
    if (quote === '"' && raw[i] === '\\') i++;
    else if (raw[i] === quote) return i;
  }
  return -1;
}

const closed = (raw: string, quote: string): boolean => closingQuote(raw, quote) > 0;

function unescape(text: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}
