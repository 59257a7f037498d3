// An exec whose process could not start, in Docker's words ("OCI runtime exec failed: exec failed: …: unknown").
import { invalidArgument } from '../../core/errdefs.js';

export function execStartError(runcWords: string): Error {
  return invalidArgument(`OCI runtime exec failed: ${runcWords.trim().replace(/\s+/g, ' ')}: unknown`);
}
