// berth login: checks credentials through POST /auth (the daemon asks the registry), then keeps them as
// the docker CLI does (config.json or a credential helper).
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { INDEX_SERVER, normaliseServer, storeCredentials } from '../credentials.js';
import { readText } from '../../client/engine-client.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] [SERVER]')
    .description('Authenticate to a registry.\nDefaults to Docker Hub if no server is specified.')
    .argument('[args...]')
    .option('-p, --password <string>', 'Password or Personal Access Token (PAT)')
    .option('--password-stdin', 'Take the Password or Personal Access Token (PAT) from stdin')
    .option('-u, --username <string>', 'Username') as DockerCommand;
  cmd.action(async (args: string[], opts: { password?: string; passwordStdin?: boolean; username?: string }) => {
    requireArgs(cmd, args, { max: 1 });
    let password = opts.password;
    if (password !== undefined) {
      ctx.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
      if (opts.passwordStdin) throw new CliExit(1, '--password and --password-stdin are mutually exclusive');
    }
    if (opts.passwordStdin) {
      if (!opts.username) throw new CliExit(1, 'Must provide --username with --password-stdin');
      password = (await readText(ctx.stdin)).replace(/[\r\n]+$/, '');
    }
    const server = args[0] ? normaliseServer(args[0]) : INDEX_SERVER;
    if (!opts.username || !password) {
      if (!ctx.stdin.isTTY) throw new CliExit(1, 'Error: Cannot perform an interactive login from a non TTY device');
      throw new CliExit(
        1,
        'Error: interactive login is not supported by berth yet; use --username with --password-stdin',
      );
    }
    const reply = await ctx.client.system.auth({ username: opts.username, password, serveraddress: server });
    const stored = await storeCredentials(
      reply.IdentityToken
        ? { username: opts.username, identitytoken: reply.IdentityToken, serveraddress: server }
        : { username: opts.username, password, serveraddress: server },
    );
    if (!stored.helper) {
      ctx.stderr.write(
        `\nWARNING! Your credentials are stored unencrypted in '${stored.file}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n`,
      );
    }
    ctx.out(`${reply.Status || 'Login Succeeded'}\n`);
  });
  return cmd;
}
