// What every command gets: the API client (made on first use) and the standard streams.
import { EngineClient } from '../client/engine-client.js';
import type { ServerHooks } from './server-hooks.js';

export interface CliContext {
  readonly client: EngineClient;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  /** `-H/--host` given on the command line; beats BERTH_HOST and DOCKER_HOST. */
  host?: string;
  /** Writes to stdout. */
  out(text: string): void;
  /** Servers the entry point lets the CLI run in-process. */
  readonly servers: ServerHooks;
}

export function createContext(servers: ServerHooks = {}): CliContext & { closeClient(): void } {
  let client: EngineClient | undefined;
  // stdin and stderr are Node streams made on first access (a pipe's or a file's costs a few ms of start-up):
  // only the commands that use them pay for them. A command may replace either.
  let stdin: NodeJS.ReadStream | undefined;
  let stderr: NodeJS.WriteStream | undefined;
  const ctx = {
    stdout: process.stdout,
    get stderr(): NodeJS.WriteStream {
      return (stderr ??= process.stderr);
    },
    set stderr(stream: NodeJS.WriteStream) {
      stderr = stream;
    },
    get stdin(): NodeJS.ReadStream {
      return (stdin ??= process.stdin);
    },
    set stdin(stream: NodeJS.ReadStream) {
      stdin = stream;
    },
    host: undefined as string | undefined,
    servers,
    get client(): EngineClient {
      client ??= new EngineClient(ctx.host ? hostSocket(ctx.host) : undefined);
      return client;
    },
    out(text: string): void {
      process.stdout.write(text);
    },
    closeClient(): void {
      client?.close();
    },
  };
  return ctx;
}

function hostSocket(host: string): string {
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  if (host.startsWith('/')) return host;
  throw new CliExit(1, `unsupported host ${host}: only unix:// sockets are supported`);
}

/** Thrown by a command to exit with a given status after printing its message. */
export class CliExit extends Error {
  constructor(
    readonly code: number,
    message = '',
    /** Output to print on stdout before the message. */
    readonly stdout = '',
  ) {
    super(message);
    this.name = 'CliExit';
  }
}
