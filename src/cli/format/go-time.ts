// Go time formatting docker output relies on: Time.String() and RFC 3339, in the local zone.

const pad = (n: number, width = 2): string => String(Math.abs(n)).padStart(width, '0');

function zoneName(date: Date): string {
  if (date.getTimezoneOffset() === 0 && (!process.env.TZ || /^(UTC|Etc\/UTC|UTC0|:?UTC)$/.test(process.env.TZ)))
    return 'UTC';
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}

function offset(date: Date, colon: boolean): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  return `${sign}${pad(Math.trunc(Math.abs(minutes) / 60))}${colon ? ':' : ''}${pad(Math.abs(minutes) % 60)}`;
}

const localDate = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const localTime = (d: Date): string => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

/** Go's time.Unix(s, 0).String(): `2026-11-28 06:47:44 +0000 UTC`. */
export function goTimeString(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return `${localDate(d)} ${localTime(d)} ${offset(d, false)} ${zoneName(d)}`;
}

/** Go's Format(time.RFC3339) of a unix time: `2026-11-28T06:47:44Z` (or `+01:00`). */
export function goRfc3339(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const zone = d.getTimezoneOffset() === 0 ? 'Z' : offset(d, true);
  return `${localDate(d)}T${localTime(d)}${zone}`;
}

/** Parses an RFC 3339 (nanosecond) timestamp to unix seconds; NaN when it does not parse. */
export function parseRfc3339(text: string): number {
  return Math.floor(Date.parse(text) / 1000);
}
