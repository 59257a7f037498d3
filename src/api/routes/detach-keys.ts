// Detach keys from a request, with Docker's 400 for a spec that makes no sense.
import { invalidArgument } from '../../core/errdefs.js';
import { DetachKeysError, parseDetachKeys } from '../../lib/detach-keys.js';

export function detachKeysParam(spec: string | undefined, what = 'detach keys'): Buffer {
  try {
    return parseDetachKeys(spec ?? '', what);
  } catch (err) {
    throw err instanceof DetachKeysError ? invalidArgument(err.message) : err;
  }
}

/** Nothing is watched for (a session without a TTY, as Docker's). */
export const NO_DETACH_KEYS = Buffer.alloc(0);
