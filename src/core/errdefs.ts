// One error type for the whole engine: a kind from a closed set, a message for the user, a cause for logs.
// The API maps kind to HTTP status in one place (src/api/server/error-status.ts); nothing below api/ knows HTTP.

export const ERROR_KINDS = [
  'NotFound',
  'InvalidArgument',
  'AlreadyExists',
  'Conflict',
  'NotModified',
  'FailedPrecondition',
  'Unauthorized',
  'Forbidden',
  'Unavailable',
  'NotImplemented',
  'Canceled',
  'Internal',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export class EngineError extends Error {
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.kind = kind;
  }
}

export const isEngineError = (err: unknown): err is EngineError => err instanceof EngineError;

/** The first EngineError on the `cause` chain (a driver's error wrapped by a plain Error still has a kind). */
export function engineErrorOf(err: unknown): EngineError | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 16; e = e.cause, depth++) if (isEngineError(e)) return e;
  return undefined;
}

export const isKind = (err: unknown, kind: ErrorKind): boolean => engineErrorOf(err)?.kind === kind;

/** Docker's errors.Wrap of an engine error: the same kind, `prefix: message`, the original as cause; other errors
 * pass unchanged. */
export function withPrefix(err: unknown, prefix: string): unknown {
  const e = engineErrorOf(err);
  return e ? new EngineError(e.kind, `${prefix}: ${e.message}`, { cause: err }) : err;
}

const make =
  (kind: ErrorKind) =>
  (message: string, cause?: unknown): EngineError =>
    new EngineError(kind, message, cause === undefined ? undefined : { cause });

export const notFound = make('NotFound');
export const invalidArgument = make('InvalidArgument');
export const alreadyExists = make('AlreadyExists');
export const conflict = make('Conflict');
export const notModified = make('NotModified');
export const failedPrecondition = make('FailedPrecondition');
export const unauthorized = make('Unauthorized');
export const forbidden = make('Forbidden');
export const unavailable = make('Unavailable');
export const notImplemented = make('NotImplemented');
export const canceled = make('Canceled');
export const internal = make('Internal');
