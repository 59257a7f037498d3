// What every command gets: the API client and the output streams.
import { EngineClient } from '../client/engine-client.js';

export interface CliContext {
  client: EngineClient;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function createContext(): CliContext {
  return { client: new EngineClient(), stdout: process.stdout, stderr: process.stderr };
}

/** Thrown by a command to exit with a given status after printing its message. */
export class CliExit extends Error {
  constructor(
    readonly code: number,
    message = '',
  ) {
    super(message);
    this.name = 'CliExit';
  }
}
