// berth attach: attach the terminal to a running container's stdio, as docker attach does: the container must be
// running; stdin goes along when the container keeps it open (unless --no-stdin); a detach prints
// "read escape sequence" and exits 1; otherwise the exit code is the container's.
import { Option } from 'commander';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { runSession } from '../hijacked-session.js';
import { proxySignals } from '../signal-proxy.js';

interface AttachFlags {
  detachKeys?: string;
  stdin: boolean;
  sigProxy?: boolean;
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] CONTAINER')
    .description('Attach local standard input, output, and error streams to a running container')
    .argument('[args...]')
    .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
    .option('--no-stdin', 'Do not attach STDIN')
    .option('--sig-proxy', 'Proxy all received signals to the process', true)
    .addOption(new Option('--no-sig-proxy').hideHelp()) as DockerCommand;
  cmd.action(async (args: string[], f: AttachFlags) => {
    requireArgs(cmd, args, { exact: 1 });
    const ref = args[0] ?? '';
    const c = await ctx.client.containers.inspect(ref);
    const id = c.Id ?? ref;
    if (!c.State?.Running) throw new CliExit(1, 'You cannot attach to a stopped container, start it first');
    if (c.State?.Paused) throw new CliExit(1, 'You cannot attach to a paused container, unpause it first');
    if (c.State?.Restarting)
      throw new CliExit(1, 'You cannot attach to a restarting container, wait until it is running');
    const tty = c.Config?.Tty ?? false;
    const stdin = f.stdin && (c.Config?.OpenStdin ?? false);
    if (tty && stdin && !ctx.stdin.isTTY) throw new CliExit(1, 'the input device is not a TTY');
    const waited = ctx.client.containers.wait(id);
    waited.catch(() => undefined);
    const { socket, multiplexed } = await ctx.client.hijack.containerAttach(id, {
      stream: true,
      stdin,
      stdout: true,
      stderr: true,
      detachKeys: f.detachKeys,
    });
    const resize = (h: number, w: number): Promise<void> => ctx.client.containers.resize(id, { h, w });
    // As docker: a size one bigger first, so the program redraws for the real one.
    if (tty && ctx.stdout.isTTY) await resize(ctx.stdout.rows + 1, ctx.stdout.columns + 1).catch(() => undefined);
    const stopProxy = f.sigProxy !== false && !tty ? proxySignals(ctx, id) : () => undefined;
    let StatusCode: number;
    try {
      const how = await runSession(ctx, { socket, multiplexed, tty, stdin, detachKeys: f.detachKeys, resize });
      if (how === 'detached') throw new CliExit(1, 'read escape sequence');
      ({ StatusCode } = await waited);
    } finally {
      stopProxy();
    }
    if (StatusCode !== 0) throw new CliExit(StatusCode);
  });
  return cmd;
}
