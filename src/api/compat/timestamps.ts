// Docker's time parameters (since/until on events and logs): "1700000000", "1700000000.123456789",
// or an RFC 3339 date. The docker CLI turns relative durations ("10m") into timestamps itself.
import { invalidArgument } from '../../core/errdefs.js';

/** Nanoseconds since the epoch. */
export function parseTimestampNano(value: string): bigint {
  const unix = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(value);
  if (unix) {
    const seconds = BigInt(unix[1] ?? '0');
    const fraction = BigInt((unix[2] ?? '').padEnd(9, '0') || '0');
    return seconds * 1_000_000_000n + fraction;
  }
  const fractional = /\.(\d+)/.exec(value)?.[1] ?? '';
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalidArgument(`failed to parse value as time or duration: "${value}"`);
  const nanosBeyondMs = BigInt(fractional.padEnd(9, '0').slice(3, 9) || '0');
  return BigInt(ms) * 1_000_000n + nanosBeyondMs;
}

export { formatTimeNano, ZERO_TIME } from '../../lib/time.js';
