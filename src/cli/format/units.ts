// Sizes and durations as docker prints them (github.com/docker/go-units semantics).
import { formatG } from '../../lib/go-template/index.js';

const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function customSize(size: number, precision: number, base: number, units: string[]): string {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return `${formatG(size, precision)}${units[i]}`;
}

/** units.HumanSizeWithPrecision: decimal units, `precision` significant digits (`1.98MB`). */
export const humanSize = (size: number, precision = 4): string => customSize(size, precision, 1000, DECIMAL);

/** units.BytesSize: binary units, 4 significant digits (`23.54GiB`). */
export const bytesSize = (size: number): string => customSize(size, 4, 1024, BINARY);

/** units.HumanDuration of a span in milliseconds: "Less than a second", "About an hour", "2 days". */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

/** "N ago" for a unix time in seconds, as docker's CreatedSince. */
export const createdSince = (unixSeconds: number, now = Date.now()): string => `${humanDuration(now - unixSeconds * 1000)} ago`;
