// Timestamps as Docker prints them: RFC 3339 with nanoseconds, UTC.

/** Docker's zero time, used for "never" (FinishedAt of a container that never ran). */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** RFC 3339 with nanoseconds in UTC ("2024-01-02T03:04:05.123456789Z"). */
export function formatTimeNano(nano: bigint): string {
  const ms = Number(nano / 1_000_000n);
  const iso = new Date(ms).toISOString(); // ...ss.mmmZ
  const nanos = (nano % 1_000_000_000n).toString().padStart(9, '0');
  return `${iso.slice(0, 19)}.${nanos}Z`;
}

let lastNano = 0n;

/** Now, in nanoseconds since the epoch; strictly increasing within the process. */
export function nowNano(): bigint {
  let now = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  if (now <= lastNano) now = lastNano + 1n;
  lastNano = now;
  return now;
}

export const nowRfc3339Nano = (): string => formatTimeNano(nowNano());

/** Nanoseconds since the epoch of an RFC 3339 time (any fraction, Z or an offset); 0 when it does not parse. */
export function parseTimeNano(rfc3339: string): bigint {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(rfc3339);
  if (!m) return 0n;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return 0n;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 9) || '0');
}
