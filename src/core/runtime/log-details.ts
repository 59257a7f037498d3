// What `docker logs --details` puts before each line: the extra attributes a log driver records with it, as dockerd's
// json-file does (its labels, labels-regex, env and env-regex options pick container labels and environment
// variables), sorted by key, each key and value query-escaped, joined by commas, then one space. With none, the
// line is prefixed by the space alone.

/** Go's url.QueryEscape: unreserved bytes as they are, space as '+', the rest %XX. */
export function queryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const compile = (pattern: string | undefined): RegExp | undefined => {
  if (!pattern) return undefined;
  try {
    return new RegExp(pattern);
  } catch {
    return undefined; // dockerd fails the container's start on a bad pattern; here the attribute is left out
  }
};

/** The prefix for one container's lines (log options, labels and environment as it was created with). */
export function logDetailsPrefix(
  options: Record<string, string> | undefined,
  labels: Record<string, string> | null | undefined,
  env: string[] | null | undefined,
): string {
  const opts = options ?? {};
  const attrs = new Map<string, string>();
  const labelMap = labels ?? {};
  for (const key of (opts.labels ?? '').split(',')) {
    const value = labelMap[key];
    if (key !== '' && value !== undefined) attrs.set(key, value);
  }
  const labelsRe = compile(opts['labels-regex']);
  if (labelsRe) for (const [k, v] of Object.entries(labelMap)) if (labelsRe.test(k)) attrs.set(k, v);
  const envMap = new Map<string, string>();
  for (const e of env ?? []) {
    const at = e.indexOf('=');
    if (at >= 0) envMap.set(e.slice(0, at), e.slice(at + 1));
  }
  for (const key of (opts.env ?? '').split(',')) {
    const value = envMap.get(key);
    if (key !== '' && value !== undefined) attrs.set(key, value);
  }
  const envRe = compile(opts['env-regex']);
  if (envRe) for (const [k, v] of envMap) if (envRe.test(k)) attrs.set(k, v);
  const pairs = [...attrs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${pairs.map(([k, v]) => `${queryEscape(k)}=${queryEscape(v)}`).join(',')} `;
}
