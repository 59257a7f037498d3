// berth exec: run a command in a running container, as docker exec does (create, start hijacked or detached,
// then the exit code from the exec's inspect).
import { readFileSync } from 'node:fs';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { runSession } from '../hijacked-session.js';

interface ExecFlags {
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  env: string[];
  envFile: string[];
  user?: string;
  workdir?: string;
  privileged?: boolean;
  detachKeys?: string;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] CONTAINER COMMAND [ARG...]')
    .description('Execute a command in a running container')
    .argument('[args...]')
    .passThroughOptions()
    .option('-d, --detach', 'Detached mode: run command in the background')
    .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
    .option('-e, --env <list>', 'Set environment variables', collect, [])
    .option('--env-file <list>', 'Read in a file of environment variables', collect, [])
    .option('-i, --interactive', 'Keep STDIN open even if not attached')
    .option('--privileged', 'Give extended privileges to the command')
    .option('-t, --tty', 'Allocate a pseudo-TTY')
    .option('-u, --user <string>', 'Username or UID (format: "<name|uid>[:<group|gid>]")')
    .option('-w, --workdir <string>', 'Working directory inside the container') as DockerCommand;
  cmd.action(async (args: string[], f: ExecFlags) => {
    requireArgs(cmd, args, { min: 2 });
    const [container = '', ...command] = args;
    const tty = f.tty ?? false;
    const interactive = f.interactive ?? false;
    if (tty && interactive && !f.detach && !ctx.stdin.isTTY) throw new CliExit(1, 'the input device is not a TTY');
    const env = [
      ...f.envFile.flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l.trim() && !l.startsWith('#')),
      ),
      ...f.env,
    ].map((e) => (e.includes('=') ? e : `${e}=${process.env[e] ?? ''}`));
    const size = tty && ctx.stdout.isTTY ? [ctx.stdout.rows, ctx.stdout.columns] : undefined;
    const { Id: id } = await ctx.client.exec.create(container, {
      User: f.user ?? '',
      Privileged: f.privileged ?? false,
      Tty: tty,
      ConsoleSize: size,
      AttachStdin: interactive && !f.detach,
      AttachStdout: !f.detach,
      AttachStderr: !f.detach,
      DetachKeys: f.detachKeys ?? '',
      Env: env,
      WorkingDir: f.workdir ?? '',
      Cmd: command,
    });
    if (f.detach) {
      await ctx.client.exec.startDetached(id, { Tty: tty, ConsoleSize: size });
      return;
    }
    const { socket, multiplexed } = await ctx.client.hijack.execStart(id, { Tty: tty, ConsoleSize: size });
    await runSession(ctx, {
      socket,
      multiplexed,
      tty,
      stdin: interactive,
      detachKeys: f.detachKeys,
      resize: (h, w) => ctx.client.exec.resize(id, { h, w }),
    });
    const inspect = await ctx.client.exec.inspect(id);
    if (inspect.ExitCode) throw new CliExit(inspect.ExitCode);
  });
  return cmd;
}
