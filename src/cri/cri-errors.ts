// Engine error kinds as gRPC status codes, in one place; the interceptor turns every thrown EngineError
// into the ConnectError its kind stands for, so handlers just throw.
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import type { Logger } from '../lib/logger.js';
import { engineErrorOf, type ErrorKind } from '../core/errdefs.js';

const CODES: Record<ErrorKind, Code> = {
  NotFound: Code.NotFound,
  InvalidArgument: Code.InvalidArgument,
  AlreadyExists: Code.AlreadyExists,
  Conflict: Code.FailedPrecondition,
  NotModified: Code.FailedPrecondition,
  FailedPrecondition: Code.FailedPrecondition,
  Unauthorized: Code.Unauthenticated,
  Forbidden: Code.PermissionDenied,
  Unavailable: Code.Unavailable,
  NotImplemented: Code.Unimplemented,
  Canceled: Code.Canceled,
  Internal: Code.Internal,
};

export function toConnectError(err: unknown): ConnectError {
  if (err instanceof ConnectError) return err;
  const engine = engineErrorOf(err);
  if (engine) return new ConnectError(engine.message, CODES[engine.kind], undefined, undefined, err);
  return new ConnectError(err instanceof Error ? err.message : String(err), Code.Internal, undefined, undefined, err);
}

/**
 * Every call logged at debug with its method and the ms its handler took (the rest of a client's wait is the
 * client's and the transport's); failures with the code they answer. `onCall` hears of each.
 */
export const errorInterceptor =
  (logger: Logger, onCall?: () => void): Interceptor =>
  (next) =>
  async (req) => {
    const method = `${req.service.typeName}.${req.method.name}`;
    onCall?.();
    const started = performance.now();
    const ms = (): number => Math.round((performance.now() - started) * 10) / 10;
    try {
      const res = await next(req);
      logger.debug({ method, ms: ms() }, 'CRI call');
      return res;
    } catch (err) {
      const answer = toConnectError(err);
      logger.debug({ method, ms: ms(), code: Code[answer.code], err: answer.rawMessage }, 'CRI call failed');
      throw answer;
    }
  };
