// Daemon errors as the docker CLI's network verbs print them: "Error response from daemon: ...", status 1.
import { ApiError } from '../../client/engine-client.js';
import { CliExit } from '../context.js';

export async function apiErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ApiError) throw new CliExit(1, `Error response from daemon: ${err.message}`);
    throw err;
  }
}
