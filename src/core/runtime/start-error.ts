// A container that could not start: the runtime driver says why once, as a kind and the exit code Docker gives
// (127: the command was not found, 126: it may not be run, 128: anything else, a binary of the wrong format
// included), so the engine never has to read the runtime's wording again.
import { EngineError } from '../errdefs.js';

export type StartFailure = 'not-found' | 'cannot-run' | 'bad-executable' | 'other';

const EXIT_CODES: Record<StartFailure, number> = {
  'not-found': 127,
  'cannot-run': 126,
  'bad-executable': 128,
  other: 128,
};

export class ContainerStartError extends EngineError {
  readonly exitCode: number;

  constructor(
    readonly failure: StartFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    // The user's command is at fault (400, as Docker), unless the runtime itself failed (500).
    super(failure === 'other' ? 'Internal' : 'InvalidArgument', message, options);
    this.name = 'ContainerStartError';
    this.exitCode = EXIT_CODES[failure];
  }
}

/** The exit code a failed start records: the typed error's, else Docker's generic 128. */
export const startExitCode = (err: unknown): number => (err instanceof ContainerStartError ? err.exitCode : 128);
