// The one place where error kinds become HTTP status codes, with Docker's {"message": "..."} body.
import { isEngineError, type ErrorKind } from '../../core/errdefs.js';

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  NotFound: 404,
  InvalidArgument: 400,
  AlreadyExists: 409,
  Conflict: 409,
  NotModified: 304,
  FailedPrecondition: 412,
  Unauthorized: 401,
  Forbidden: 403,
  Unavailable: 503,
  NotImplemented: 501,
  Canceled: 499,
  Internal: 500,
};

export interface ErrorReply {
  status: number;
  body: { message: string };
}

interface FastifyLikeError {
  statusCode?: number;
  validation?: unknown;
  code?: string;
  message: string;
}

const isFastifyClientError = (err: unknown): err is FastifyLikeError =>
  typeof err === 'object' &&
  err !== null &&
  typeof (err as FastifyLikeError).statusCode === 'number' &&
  ((err as FastifyLikeError).statusCode ?? 500) < 500;

export function errorReply(err: unknown): ErrorReply {
  if (isEngineError(err)) return { status: STATUS_BY_KIND[err.kind], body: { message: err.message } };
  // Malformed bodies, bad content types and the like, found by the HTTP framework before a route ran.
  if (isFastifyClientError(err)) return { status: err.statusCode ?? 400, body: { message: err.message } };
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, body: { message } };
}
