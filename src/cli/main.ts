// berth: docker's verbs and flags over the Engine API.
import { ApiError, ConnectionError } from '../client/engine-client.js';
import { StreamError } from '../client/json-messages.js';
import { DockerCommand, NEGATIONS, PROGRAM, normaliseBooleanFlags } from './command.js';
import { createContext, CliExit } from './context.js';
import { registerCommands } from './commands/index.js';
import { splitVerb } from './argv.js';
import { clientVersion } from './client-info.js';
import type { ServerHooks } from './server-hooks.js';
import { closeUnlessExiting } from './exit-when-written.js';

export { exitWhenWritten } from './exit-when-written.js';

export async function main(argv: string[], servers: ServerHooks = {}): Promise<number> {
  // A reader that went away (`berth events | head`) ends the command quietly, as for any Unix filter.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const ctx = createContext(servers);
  const args = argv.slice(2);
  const program = new DockerCommand(PROGRAM)
    .usage('[OPTIONS] COMMAND')
    .description('A self-sufficient runtime for containers')
    .option('-H, --host <string>', 'Daemon socket to connect to')
    .option('-D, --debug', 'Enable debug mode')
    .option('-l, --log-level <string>', 'Set the logging level ("debug", "info", "warn", "error", "fatal")')
    .option('--config <string>', 'Location of client config files')
    .option('-c, --context <string>', 'Name of the context to use to connect to the daemon')
    .option('-v, --version', 'Print version information and quit')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeErr: (s) => void ctx.stderr.write(s),
      writeOut: (s) => void ctx.stdout.write(s),
      outputError: () => {},
    });
  program.hook('preSubcommand', (cmd) => {
    const host = cmd.opts<{ host?: string }>().host;
    if (host) ctx.host = host;
  });
  try {
    const { verb } = splitVerb(args);
    // As docker: `-v`/`--version` without a verb prints one line and quits (with a verb, the verb runs).
    if (verb === undefined && args.some((a) => a === '-v' || a === '--version') && !args.some(isHelp)) {
      const { Version, GitCommit } = clientVersion('');
      ctx.out(`${PROGRAM} version ${Version}, build ${GitCommit || 'unknown-commit'}\n`);
      return 0;
    }
    await registerCommands(program, ctx, verb, args);
    await program.parseAsync(normaliseBooleanFlags(args, NEGATIONS), { from: 'user' });
    return 0;
  } catch (err) {
    return reportError(err, ctx.stderr);
  } finally {
    closeUnlessExiting(() => ctx.closeClient());
  }
}

const isHelp = (arg: string): boolean => arg === '-h' || arg === '--help';

function reportError(err: unknown, stderr: NodeJS.WritableStream): number {
  if (err instanceof CliExit) {
    if (err.stdout) process.stdout.write(err.stdout);
    if (err.message) stderr.write(`${err.message}\n`);
    return err.code;
  }
  if (
    err &&
    typeof err === 'object' &&
    'code' in err &&
    typeof err.code === 'string' &&
    err.code.startsWith('commander.')
  ) {
    const exitCode = (err as { exitCode?: number }).exitCode ?? 1;
    return exitCode === 0 ? 0 : 125;
  }
  if (err instanceof ApiError) {
    stderr.write(`Error response from daemon: ${err.message}\n`);
    return 1;
  }
  if (err instanceof StreamError || err instanceof ConnectionError) {
    stderr.write(`${err.message}\n`);
    return 1;
  }
  if (err instanceof Error && (err as NodeJS.ErrnoException).code === 'EPIPE') return 0;
  stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
}
