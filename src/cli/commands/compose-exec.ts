// berth compose exec: a command in a service's running container (`--index` picks among replicas), with a TTY
// when the terminal has one unless -T; the command's exit code is ours.
import { Option } from 'commander';
import type { DockerCommand } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { composeExit, project } from '../compose-project.js';
import { serviceContainer } from '../compose-service-container.js';
import { runSession } from '../hijacked-session.js';

interface Options {
  detach?: boolean;
  env: string[];
  user?: string;
  workdir?: string;
  privileged?: boolean;
  index: string;
  /** commander's name for -T, --no-TTY. */
  TTY?: boolean;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] SERVICE COMMAND [ARGS...]')
    .description('Execute a command in a running container')
    .argument('[args...]')
    .passThroughOptions()
    .option('-d, --detach', 'Detached mode: Run command in the background')
    .option('-e, --env <list>', 'Set environment variables', collect, [])
    .option('-u, --user <string>', 'Run the command as this user')
    .option('-w, --workdir <string>', 'Path to workdir directory for this command')
    .option('--privileged', 'Give extended privileges to the process')
    .option('--index <int>', 'Index of the container if service has multiple replicas', '1')
    .addOption(new Option('-T, --no-TTY', 'Disable pseudo-TTY allocation (default: auto-detected)')) as DockerCommand;
  cmd.action(async (args: string[], opts: Options) => {
    const [service, ...command] = args;
    if (!service || command.length === 0) throw new CliExit(1, 'requires at least 2 arg(s)');
    const p = project(ctx, cmd);
    try {
      const container = await serviceContainer(ctx.client, p, service, Number(opts.index));
      const tty = opts.TTY !== false && !opts.detach && ctx.stdin.isTTY === true && ctx.stdout.isTTY === true;
      const attach = !opts.detach;
      const { Id: id } = await ctx.client.exec.create(container.id, {
        User: opts.user ?? '',
        Privileged: opts.privileged ?? false,
        Tty: tty,
        AttachStdin: attach,
        AttachStdout: attach,
        AttachStderr: attach,
        Env: opts.env.map((e) => (e.includes('=') ? e : `${e}=${process.env[e] ?? ''}`)),
        WorkingDir: opts.workdir ?? '',
        Cmd: command,
      });
      if (opts.detach) {
        await ctx.client.exec.startDetached(id, { Tty: tty });
        return;
      }
      // Frames unless a TTY, whatever the content type says (dockerd 20.10 names no multiplexed stream).
      const { socket } = await ctx.client.hijack.execStart(id, { Tty: tty });
      const multiplexed = !tty;
      await runSession(ctx, {
        socket,
        multiplexed,
        tty,
        stdin: true,
        resize: (h, w) => ctx.client.exec.resize(id, { h, w }),
      });
      const inspect = await ctx.client.exec.inspect(id);
      if (inspect.ExitCode) throw new CliExit(inspect.ExitCode);
    } catch (err) {
      throw composeExit(err);
    }
  });
  return cmd;
}
