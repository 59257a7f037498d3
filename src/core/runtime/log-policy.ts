// Log rotation as Docker's json-file/local drivers describe it: rotate when the file reaches max-size, keep
// max-file files in all (the live one included). Rotation is on by default here (Docker's local-driver
// defaults: 20m x 5). --log-opt max-size / max-file override per container.
import { invalidArgument, withPrefix } from '../errdefs.js';

export interface LogPolicy {
  /** Bytes at which the live file is rotated. */
  maxSize: number;
  /** Files kept in all: 1 means truncate in place. */
  maxFile: number;
}

export const DEFAULT_LOG_POLICY: LogPolicy = { maxSize: 20 * 1024 * 1024, maxFile: 5 };

const KNOWN_OPTIONS = [
  'max-size',
  'max-file',
  'compress',
  'mode',
  'max-buffer-size',
  'labels',
  'labels-regex',
  'env',
  'env-regex',
  'tag',
  // k8s-file's path (as podman's): the log where its owner wants it (the CRI's log_directory/log_path).
  'path',
];

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** go-units RAMInBytes: "10m", "1.5g", "512k", "100", "10MiB", "10mb" (binary multiples). */
export function parseRamSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(value.trim());
  if (!m) throw invalidArgument(`invalid size: '${value}'`);
  return Math.floor(Number(m[1]) * (UNITS[(m[2] ?? '').toLowerCase()] ?? 1));
}

export function logPolicy(
  options: Record<string, string> | undefined,
  defaults: LogPolicy = DEFAULT_LOG_POLICY,
): LogPolicy {
  const opts = options ?? {};
  for (const key of Object.keys(opts))
    if (!KNOWN_OPTIONS.includes(key)) throw invalidArgument(`unknown log opt '${key}' for k8s-file log driver`);
  // A log at a path its owner gave is rotated by that owner (kubelet renames it and asks for a reopen), not here.
  if (opts.path !== undefined && opts['max-size'] === undefined && opts['max-file'] === undefined)
    return { maxSize: Number.MAX_SAFE_INTEGER, maxFile: 1 };
  const maxSize = opts['max-size'] !== undefined ? parseRamSize(opts['max-size']) : defaults.maxSize;
  if (maxSize <= 0) throw invalidArgument('max-size must be a positive number');
  let maxFile = defaults.maxFile;
  if (opts['max-file'] !== undefined) {
    if (!/^-?\d+$/.test(opts['max-file']))
      throw invalidArgument(`strconv.Atoi: parsing "${opts['max-file']}": invalid syntax`);
    maxFile = Number(opts['max-file']);
    if (maxFile < 1) throw invalidArgument('max-file cannot be less than 1');
  }
  return { maxSize, maxFile };
}

/** Names of the rotated files, newest first: log.1 … log.(maxFile-1). */
export const rotatedNames = (path: string, maxFile: number): string[] =>
  Array.from({ length: Math.max(0, maxFile - 1) }, (_, i) => `${path}.${i + 1}`);

/**
 * conmon's own cap (it truncates the live file when a write would pass it). With one file that is the
 * whole policy; with more, it is a backstop well above max-size for when the daemon is not there to rotate.
 */
export const conmonSizeCap = (p: LogPolicy): number =>
  p.maxFile <= 1 ? p.maxSize : Math.max(p.maxSize * 2, p.maxSize + 1024 * 1024);

const GO_BOOLS: Record<string, boolean> = Object.fromEntries([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((v) => [v, true]),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((v) => [v, false]),
]);

/**
 * A create's --log-opt for a driver that keeps the log (json-file, k8s-file, local), checked before anything is made,
 * in Docker's words: unknown keys and the mode as its validator, the sizes, counts and compress as its driver's start
 * ("failed to initialize logging driver: ..."). compress=true is refused by name: berth does not compress rotated files.
 */
export function checkLogOptions(driver: string, options: Record<string, string> | undefined): void {
  const opts = options ?? {};
  for (const key of Object.keys(opts))
    if (!KNOWN_OPTIONS.includes(key))
      throw invalidArgument(
        driver === 'local' // the local driver's validator words it its own way
          ? `unknown log opt '${key}' for log driver local`
          : `unknown log opt '${key}' for ${driver} log driver`,
      );
  if (opts.mode !== undefined && opts.mode !== 'blocking' && opts.mode !== 'non-blocking')
    throw invalidArgument(`logger: logging mode not supported: ${opts.mode}`);
  const initializing = (check: () => void): void => {
    try {
      check();
    } catch (err) {
      throw withPrefix(err, 'failed to initialize logging driver');
    }
  };
  initializing(() => {
    logPolicy(opts);
    if (opts['max-buffer-size'] !== undefined) parseRamSize(opts['max-buffer-size']);
    if (opts.compress === undefined) return;
    const compress = GO_BOOLS[opts.compress];
    if (compress === undefined)
      throw invalidArgument(`strconv.ParseBool: parsing ${JSON.stringify(opts.compress)}: invalid syntax`);
    if (compress && (opts['max-size'] === undefined || Number(opts['max-file'] ?? '1') < 2))
      throw invalidArgument('compress cannot be true when max-file is less than 2 or max-size is not set');
  });
  if (GO_BOOLS[opts.compress ?? ''] === true)
    throw invalidArgument('compress: berth does not compress rotated log files (use compress=false)');
}
