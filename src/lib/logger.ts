// Logger factory: structured JSON logs (pino). Components take a child logger bound to their name.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where logs go; defaults to stderr so stdout stays free for CLI output. */
  destination?: number | string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const dest = pino.destination({ dest: options.destination ?? 2, sync: false });
  return pino({ level: options.level ?? 'info', base: { pid: process.pid } }, dest);
}

/** A logger that drops everything: for unit tests and library defaults. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
