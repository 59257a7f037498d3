// Go's fmt.Sprintf for the verbs templates use: %v %s %d %q %t %x %X %o %b %c %f %e %g %T %%,
// with flags (- + 0 space #), width and precision (also `*`).
import { MISSING, formatNumber, goExponent, goJsonString, isObject, printValue } from './values.js';

export function goTypeName(v: unknown): string {
  if (v === null || v === undefined || v === MISSING) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return v.every((e) => typeof e === 'string') && v.length > 0 ? '[]string' : '[]interface {}';
  if (isObject(v)) return 'map[string]interface {}';
  return 'interface {}';
}

const badVerb = (verb: string, v: unknown): string => `%!${verb}(${goTypeName(v)}=${printValue(v)})`;

function pad(text: string, width: number | undefined, flags: string, numeric: boolean): string {
  if (width === undefined || text.length >= width) return text;
  if (flags.includes('-')) return text + ' '.repeat(width - text.length);
  if (flags.includes('0') && numeric) {
    const sign = /^[+-]/.test(text) ? (text[0] as string) : '';
    return sign + '0'.repeat(width - text.length) + text.slice(sign.length);
  }
  return ' '.repeat(width - text.length) + text;
}

const signed = (n: number, text: string, flags: string): string =>
  n >= 0 && !Object.is(n, -0) ? (flags.includes('+') ? `+${text}` : flags.includes(' ') ? ` ${text}` : text) : text;

/** Go %g with a precision: shortest for undefined precision, exponent when exp < -4 or >= precision. */
export function formatG(n: number, precision: number | undefined, upper = false): string {
  if (precision === undefined) return formatNumber(n).replace(/^(-?\d+)$/, '$1');
  const p = precision === 0 ? 1 : precision;
  if (n === 0) return '0';
  const exp = Number(n.toExponential(p - 1).split('e')[1]);
  let text: string;
  if (exp < -4 || exp >= p) {
    const [mant = '', e = ''] = n.toExponential(p - 1).split('e');
    text = goExponent(`${mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant}e${e}`);
  } else {
    text = n.toFixed(Math.max(0, p - 1 - exp));
    if (text.includes('.')) text = text.replace(/\.?0+$/, '');
  }
  return upper ? text.toUpperCase() : text;
}

function formatOne(
  verb: string,
  v: unknown,
  flags: string,
  width: number | undefined,
  prec: number | undefined,
): string {
  const num = typeof v === 'number';
  switch (verb) {
    case 'v':
      return pad(num ? signed(v, formatNumber(Math.abs(v) === v ? v : v), flags) : printValue(v), width, flags, num);
    case 's': {
      if (num) return badVerb(verb, v);
      let text = typeof v === 'string' ? v : printValue(v);
      if (prec !== undefined) text = [...text].slice(0, prec).join('');
      return pad(text, width, flags, false);
    }
    case 'q':
      if (typeof v === 'string') return pad(goJsonString(v, false), width, flags, false);
      if (num && Number.isInteger(v)) return pad(`'${String.fromCodePoint(v)}'`, width, flags, false);
      return badVerb(verb, v);
    case 't':
      return typeof v === 'boolean' ? pad(String(v), width, flags, false) : badVerb(verb, v);
    case 'd':
    case 'x':
    case 'X':
    case 'o':
    case 'b':
    case 'c': {
      if (typeof v === 'string' && (verb === 'x' || verb === 'X')) {
        const hex = Buffer.from(v, 'utf8').toString('hex');
        return pad(verb === 'X' ? hex.toUpperCase() : hex, width, flags, false);
      }
      if (!num || !Number.isInteger(v)) return badVerb(verb, v);
      if (verb === 'c') return pad(String.fromCodePoint(v), width, flags, false);
      const base = { d: 10, x: 16, X: 16, o: 8, b: 2 }[verb];
      let text = Math.abs(v).toString(base);
      if (verb === 'X') text = text.toUpperCase();
      if (flags.includes('#') && verb !== 'd')
        text = (verb === 'o' ? '0' : verb === 'b' ? '0b' : verb === 'X' ? '0X' : '0x') + text;
      return pad(signed(v, v < 0 ? `-${text}` : text, flags), width, flags, true);
    }
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G': {
      if (!num) return badVerb(verb, v);
      let text: string;
      if (verb === 'f' || verb === 'F') text = v.toFixed(prec ?? 6);
      else if (verb === 'e' || verb === 'E') text = goExponent(v.toExponential(prec ?? 6));
      else text = formatG(v, prec);
      if (verb === 'E' || verb === 'G') text = text.toUpperCase();
      return pad(signed(v, text, flags), width, flags, true);
    }
    case 'T':
      return pad(goTypeName(v), width, flags, false);
    default:
      return `%!${verb}(${goTypeName(v)}=${printValue(v)})`;
  }
}

export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  const re = /%([-+# 0]*)(\*|\d+)?(?:\.(\*|\d*))?([a-zA-Z%])/g;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    out += format.slice(last, m.index);
    last = re.lastIndex;
    const [, flags = '', w, p, verb = 'v'] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const takeInt = (spec: string | undefined): number | undefined => {
      if (spec === undefined) return undefined;
      if (spec === '*') return Number(args[argi++] ?? 0);
      return spec === '' ? 0 : Number(spec);
    };
    const width = takeInt(w);
    const prec = takeInt(p);
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(verb, args[argi++], flags, width, prec);
  }
  out += format.slice(last);
  if (argi < args.length)
    out += `%!(EXTRA ${args
      .slice(argi)
      .map((a) => `${goTypeName(a)}=${printValue(a)}`)
      .join(', ')})`;
  return out;
}
