// berth: docker's verbs and flags over the Engine API.
import { Command, CommanderError } from 'commander';
import { ApiError, ConnectionError } from '../client/engine-client.js';
import { createContext, CliExit } from './context.js';
import { registerCommands } from './commands/index.js';

export async function main(argv: string[]): Promise<number> {
  const ctx = createContext();
  const program = new Command('berth')
    .description('A Docker-compatible container engine')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (s) => void ctx.stderr.write(s), writeOut: (s) => void ctx.stdout.write(s) });
  registerCommands(program, ctx);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    return reportError(err, ctx.stderr);
  } finally {
    ctx.client.close();
  }
}

function reportError(err: unknown, stderr: NodeJS.WritableStream): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 125;
  if (err instanceof CliExit) {
    if (err.message) stderr.write(`${err.message}\n`);
    return err.code;
  }
  if (err instanceof ApiError) {
    stderr.write(`Error response from daemon: ${err.message}\n`);
    return 1;
  }
  if (err instanceof ConnectionError) {
    stderr.write(`${err.message}\n`);
    return 1;
  }
  stderr.write(`berth: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
}
