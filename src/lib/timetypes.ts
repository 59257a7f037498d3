// Docker's one reading of a time argument (moby api/types/time: GetTimestamp, ParseTimestamps), used for every
// `until`/`since` filter and query (prune, image lists, events, logs) in the daemon and by the CLI:
//   - a Go duration ("24h", "1h30m", "-5m", "1.5h") is that long before now, in whole seconds;
//   - an RFC 3339 date or a prefix of one ("2024-01-02", "2024-01-02T03", "2024-01-02T03:04:05.5+01:00"),
//     in the daemon's zone when it names none;
//   - a Unix timestamp with an optional fraction ("1700000000", "1700000000.123456789").

export class TimeParseError extends Error {}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration, in nanoseconds; undefined when `value` is not a Go duration. */
export function parseGoDuration(value: string): number | undefined {
  let s = value;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?([^\d.]*)/.exec(s);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
    const unit = UNIT_NS[m[3] ?? ''];
    if (unit === undefined) return undefined;
    total += Number(`${m[1] || '0'}.${m[2] || '0'}`) * unit;
    s = s.slice(m[0].length);
  }
  return sign * Math.round(total);
}

const LOCAL = {
  date: /^(\d{4})-(\d{2})-(\d{2})$/,
  hour: /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2})$/,
  minute: /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2})$/,
  second: /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})()$/,
  nano: /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?$/,
};
const ZONE = '(Z|[+-]\\d{2}:\\d{2})';
const ZONED = {
  date: new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})()()()()${ZONE}$`),
  hour: new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})T(\\d{1,2})()()()${ZONE}$`),
  minute: new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})T(\\d{1,2}):(\\d{2})()()${ZONE}$`),
  second: new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})T(\\d{1,2}):(\\d{2}):(\\d{2})(?:[.,](\\d+))?${ZONE}$`),
};

/** Seconds and nanoseconds of a date in one of Go's layouts; `offsetMinutes` when the value names no zone. */
function parseDate(value: string, re: RegExp, offsetMinutes: number): string {
  const m = re.exec(value);
  if (!m) throw new TimeParseError(`parsing time "${value}": cannot parse as an RFC 3339 date`);
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] || '0')) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12) throw new TimeParseError(`parsing time "${value}": month out of range`);
  if (d < 1 || d > daysInMonth) throw new TimeParseError(`parsing time "${value}": day out of range`);
  if (h > 23 || mi > 59 || s > 59)
    throw new TimeParseError(`parsing time "${value}": hour, minute or second out of range`);
  const zone = m[8];
  let offset = offsetMinutes;
  if (zone !== undefined)
    offset =
      zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const seconds = Math.floor(utc / 1000) - offset * 60;
  const nanos = (m[7] ?? '').slice(0, 9).padEnd(9, '0');
  return `${seconds}.${nanos}`;
}

/** Docker's ParseTimestamps: "sec[.frac]" to nanoseconds since the epoch (the fraction scaled by its length). */
export function timestampToNano(value: string): bigint {
  const m = /^([+-]?\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) throw new TimeParseError(`failed to parse value as time or duration: "${value}"`);
  const seconds = BigInt(m[1] ?? '0');
  const frac = m[2] ?? '';
  const nanos = frac === '' ? 0n : BigInt(frac.padEnd(9, '0').slice(0, 9));
  return seconds * 1_000_000_000n + nanos;
}

/** Docker's GetTimestamp: the value as "sec[.nanos]" the daemon understands, relative to `nowMs`. */
export function getTimestamp(value: string, nowMs = Date.now()): string {
  const duration = parseGoDuration(value);
  if (value !== '0' && duration !== undefined) return String(Math.floor((nowMs * 1e6 - duration) / 1e9));
  const local = !(/[zZ+]/.test(value) || value.split('-').length - 1 === 3);
  const colons = value.split(':').length - 1;
  let re: RegExp;
  if (value.includes('.')) re = local ? LOCAL.nano : ZONED.second;
  else if (value.includes('T')) {
    const tcolons = !local && !/[zZ]/.test(value) && colons > 0 ? colons - 1 : colons;
    const pick = tcolons === 0 ? 'hour' : tcolons === 1 ? 'minute' : 'second';
    re = local ? LOCAL[pick] : ZONED[pick];
  } else re = local ? LOCAL.date : ZONED.date;
  try {
    // Go's time.FixedZone(reference.Zone()): the zone's offset now, for every date.
    return parseDate(value, re, -new Date(nowMs).getTimezoneOffset());
  } catch (err) {
    if (value.includes('-')) throw err;
    timestampToNano(value);
    return value;
  }
}

/** A time argument as nanoseconds since the epoch (GetTimestamp, then ParseTimestamps). */
export function parseTimeArg(value: string, nowMs = Date.now()): bigint {
  return timestampToNano(getTimestamp(value, nowMs));
}
