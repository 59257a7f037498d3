// `--since`/`--until` as the docker CLI sends them: Docker's GetTimestamp turns a Go duration ("10m") into the
// Unix time that long ago and a date into "sec.nanos"; a Unix timestamp goes to the daemon as given.
import { getTimestamp, TimeParseError } from '../lib/timetypes.js';
import { CliExit } from './context.js';

export function timeArg(value: string | undefined, now = Date.now()): string | undefined {
  if (!value) return undefined;
  try {
    return getTimestamp(value, now);
  } catch (err) {
    if (err instanceof TimeParseError) throw new CliExit(1, err.message);
    throw err;
  }
}
