// The log drivers berth has, under Docker's names. json-file, k8s-file and local all keep the container's output
// in the one k8s-format file conmon writes; `none` keeps nothing the user can read back (Docker's none driver):
// `docker logs` is refused with Docker's message. berth's attach still reads the container's output from that
// file, so for `none` it stays as a small attach buffer, truncated in place (NONE_LOG_POLICY).
import { invalidArgument, notImplemented } from '../errdefs.js';
import type { LogPolicy } from './log-policy.js';

export const LOG_DRIVERS = ['json-file', 'k8s-file', 'local', 'none'] as const;
export const DEFAULT_LOG_DRIVER = 'json-file';

/** What attach needs of a `none` container's output: 1 MiB, truncated in place, no rotated files. */
export const NONE_LOG_POLICY: LogPolicy = { maxSize: 1024 * 1024, maxFile: 1 };

/** Docker's answer for a driver that cannot be read back: "does not support reading" (501). */
export function checkLogsReadable(type: string | undefined): void {
  if (type === 'none') throw notImplemented('configured logging driver does not support reading');
}

/** Drivers built into Docker's engine that berth does not have: refused by name, where Docker would accept them. */
const DOCKER_BUILTIN_DRIVERS = ['syslog', 'journald', 'gelf', 'fluentd', 'awslogs', 'splunk', 'gcplogs', 'logentries'];

/** The driver name a create asks for. A name Docker has no driver for is looked up as a plugin there: its words. */
export function checkLogDriver(type: string): void {
  if ((LOG_DRIVERS as readonly string[]).includes(type)) return;
  if (DOCKER_BUILTIN_DRIVERS.includes(type))
    throw invalidArgument(`logger: no log driver named '${type}' is registered`);
  throw invalidArgument(`error looking up logging plugin ${type}: plugin "${type}" not found`);
}
