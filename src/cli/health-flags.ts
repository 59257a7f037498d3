// docker's --health-* flags and --no-healthcheck into Config.Healthcheck (durations in nanoseconds).
import { CliExit } from './context.js';

export interface HealthFlags {
  healthCmd?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthRetries?: string;
  healthStartPeriod?: string;
  healthStartInterval?: string;
  healthcheck?: boolean;
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration ("1s", "500ms", "1m30s", "0") in nanoseconds. */
export function parseGoDuration(flag: string, value: string): number {
  if (value === '0') return 0;
  // µ written as an escape: the CLI's bundle stays ASCII, which V8 keeps as a one-byte string (half the bytes).
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value.replace(/^-/, '')) {
    throw new CliExit(
      125,
      `invalid argument "${value}" for "${flag}" flag: time: invalid duration "${value}"\nSee 'berth run --help'.`,
    );
  }
  const ns = Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_NS[p[2] ?? 's'] ?? 1), 0));
  return value.startsWith('-') ? -ns : ns;
}

export function addHealthFlags<C extends { option(flags: string, description: string): C }>(cmd: C): C {
  return cmd
    .option('--health-cmd <string>', 'Command to run to check health')
    .option('--health-interval <duration>', 'Time between running the check (ms|s|m|h) (default 0s)')
    .option('--health-timeout <duration>', 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)')
    .option('--health-retries <int>', 'Consecutive failures needed to report unhealthy')
    .option(
      '--health-start-period <duration>',
      'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)',
    )
    .option(
      '--health-start-interval <duration>',
      'Time between running the check during the start period (ms|s|m|h) (default 0s)',
    )
    .option('--no-healthcheck', 'Disable any container-specified HEALTHCHECK');
}

/** Config.Healthcheck, or undefined when no health flag was given (the image's HEALTHCHECK then applies). */
export function healthConfig(f: HealthFlags): Record<string, unknown> | undefined {
  const durations = {
    Interval: ['--health-interval', f.healthInterval],
    Timeout: ['--health-timeout', f.healthTimeout],
    StartPeriod: ['--health-start-period', f.healthStartPeriod],
    StartInterval: ['--health-start-interval', f.healthStartInterval],
  } as const;
  const anyHealth =
    f.healthCmd !== undefined ||
    f.healthRetries !== undefined ||
    Object.values(durations).some(([, v]) => v !== undefined);
  if (f.healthcheck === false) {
    if (anyHealth)
      throw new CliExit(
        125,
        "berth: --no-healthcheck conflicts with --health-* options\n\nRun 'berth run --help' for more information",
      );
    return { Test: ['NONE'] };
  }
  if (!anyHealth) return undefined;
  const out: Record<string, unknown> = {};
  if (f.healthCmd !== undefined) out.Test = ['CMD-SHELL', f.healthCmd];
  for (const [key, [flag, value]] of Object.entries(durations)) {
    if (value === undefined) continue;
    const ns = parseGoDuration(flag, value);
    if (ns < 0)
      throw new CliExit(125, `berth: ${flag} cannot be negative\n\nRun 'berth run --help' for more information`);
    out[key] = ns;
  }
  if (f.healthRetries !== undefined) {
    const retries = Number(f.healthRetries);
    if (!Number.isInteger(retries))
      throw new CliExit(
        125,
        `invalid argument "${f.healthRetries}" for "--health-retries" flag: strconv.ParseInt: parsing "${f.healthRetries}": invalid syntax\nSee 'berth run --help'.`,
      );
    if (retries < 0)
      throw new CliExit(
        125,
        `berth: --health-retries cannot be negative\n\nRun 'berth run --help' for more information`,
      );
    out.Retries = retries;
  }
  return out;
}
