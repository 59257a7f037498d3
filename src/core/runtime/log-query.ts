// The logs endpoint's `tail`, `since` and `until` read as dockerd reads them (daemon/logs.go): tail through Go's
// strconv.Atoi, where anything that is not an integer, and any negative one, means every line; since and until
// through ParseTimestamps ("seconds[.fraction]", nothing else: the docker CLI turns durations and dates into that
// itself), whose strconv error dockerd returns as it is. dockerd answers that with a 500; berth with a 400 (bad input
// is never a 500 here: test/api/route-fuzz.test.ts), in the same words.
import { invalidArgument } from '../errdefs.js';

const INT64_MAX = 2n ** 63n - 1n;

/** Go's strconv.ParseInt(s, 10, 64), its errors in Go's words. */
function parseInt64(s: string): bigint {
  if (!/^[+-]?\d+$/.test(s)) throw invalidArgument(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > INT64_MAX || n < -INT64_MAX - 1n)
    throw invalidArgument(`strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

/** Last N lines, or undefined for all of them. */
export function logsTail(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** dockerd's ParseTimestamps: nanoseconds since the epoch. */
export function logsTimestampNano(value: string): bigint {
  const at = value.indexOf('.');
  const seconds = parseInt64(at < 0 ? value : value.slice(0, at));
  if (at < 0) return seconds * 1_000_000_000n;
  const fraction = value.slice(at + 1);
  const n = parseInt64(fraction);
  // Scaled by its length to nanoseconds (10^(9-len): digits past the ninth are dropped).
  const digits = fraction.replace(/^[+-]/, '').length;
  const nanos = digits <= 9 ? n * 10n ** BigInt(9 - digits) : n / 10n ** BigInt(digits - 9);
  return seconds * 1_000_000_000n + nanos;
}
