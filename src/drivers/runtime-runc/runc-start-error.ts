// runc's words about a start that failed, read once, here, into a typed start error (the engine never reads them).
import { ContainerStartError } from '../../core/runtime/start-error.js';

/** runc's own wording is kept in the message; what it means becomes the error's kind and exit code. */
export function startError(message: string): ContainerStartError {
  const clean = message.trim().replace(/\s+/g, ' ');
  const failure = /executable file not found|no such file or directory/i.test(clean)
    ? 'not-found'
    : /permission denied|is a directory/i.test(clean)
      ? 'cannot-run'
      : /exec format error/i.test(clean)
        ? 'bad-executable'
        : 'other';
  return new ContainerStartError(failure, `failed to create task for container: ${clean}: unknown`);
}
