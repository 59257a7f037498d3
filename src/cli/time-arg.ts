// `--since`/`--until` as the docker CLI sends them: a Go duration ("10m", "1h30m") becomes the Unix time that
// long ago; anything else (a timestamp, an RFC 3339 date) goes to the daemon as given.

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

export function timeArg(value: string | undefined, now = Date.now()): string | undefined {
  if (!value) return undefined;
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) return value;
  const seconds = parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_SECONDS[p[2] ?? 's'] ?? 1), 0);
  return (now / 1000 - seconds).toFixed(9);
}
