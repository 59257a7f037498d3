// Sizes and durations as docker prints them (github.com/docker/go-units semantics).
import { humanDuration } from '../../lib/human-duration.js';
import { formatG } from '../../lib/go-template/index.js';

const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function customSize(size: number, base: number, units: string[], format: (n: number) => string): string {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return `${format(size)}${units[i]}`;
}

/** units.HumanSizeWithPrecision: decimal units, `precision` significant digits (`1.98MB`). */
export const humanSize = (size: number, precision = 4): string =>
  customSize(size, 1000, DECIMAL, (n) => formatG(n, precision));

/** units.BytesSize: binary units, 4 significant digits (`23.54GiB`). */
export const bytesSize = (size: number): string => customSize(size, 1024, BINARY, (n) => formatG(n, 4));

/** BuildKit progressui's sizes (decimal units, two decimals at most, none for bytes): 34B, 1.23kB, 4.5MB. */
export const progressSize = (size: number): string =>
  customSize(size, 1000, DECIMAL, (n) => String(Number(n.toFixed(2))));

export { humanDuration };

/** "N ago" for a unix time in seconds, as docker's CreatedSince. */
export const createdSince = (unixSeconds: number, now = Date.now()): string =>
  `${humanDuration(now - unixSeconds * 1000)} ago`;
