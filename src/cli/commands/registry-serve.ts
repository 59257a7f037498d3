// berth registry serve: runs berth's OCI registry server in this process until SIGINT/SIGTERM. A thin
// shell: flags in, the registry host handed in by the entry point (cli/server-hooks.ts) does the rest.
import { Option } from 'commander';
import type { DockerCommand } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { createLogger } from '../../lib/logger.js';

interface ServeFlags {
  addr: string;
  root: string;
  htpasswd?: string;
  tokenSecret?: string;
  tokenService?: string;
  tokenRealm?: string;
  gcInterval?: string;
  gcGrace?: string;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
}

const seconds = (s: string | undefined, flag: string): number | undefined => {
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s)) throw new Error(`${flag} takes a whole number of seconds`);
  return Number(s) * 1000;
};

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('Serve an OCI distribution registry')
    .option('--addr <host:port>', 'address to listen on', '127.0.0.1:5000')
    .option('--root <dir>', 'storage directory', '/var/lib/berth-registry')
    .option('--htpasswd <file>', 'htpasswd file (bcrypt entries) for basic auth, or for the token endpoint')
    .option(
      '--token-secret <secret>',
      'sign bearer tokens with this secret and serve /token (also BERTH_REGISTRY_TOKEN_SECRET)',
    )
    .option('--token-service <name>', 'service name in bearer challenges', 'berth-registry')
    .option('--token-realm <url>', 'token endpoint URL in challenges (default: http://<Host>/token)')
    .option('--gc-interval <seconds>', 'collect garbage online every this many seconds (0: never on its own)', '3600')
    .option('--gc-grace <seconds>', 'lease of a blob no manifest references yet', '3600')
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal'])
        .default('info'),
    ) as DockerCommand;
  cmd.action(async () => {
    const flags = cmd.opts<ServeFlags>();
    const tokenSecret = flags.tokenSecret ?? process.env.BERTH_REGISTRY_TOKEN_SECRET;
    const load = ctx.servers.registryHost;
    if (!load) throw new CliExit(1, 'this berth was built without the registry server');
    const { startRegistryHost } = await load();
    const logger = createLogger({ level: flags.logLevel });
    const host = await startRegistryHost(
      {
        addr: flags.addr,
        root: flags.root,
        ...(flags.htpasswd ? { htpasswd: flags.htpasswd } : {}),
        ...(tokenSecret ? { tokenSecret } : {}),
        ...(flags.tokenService ? { tokenService: flags.tokenService } : {}),
        ...(flags.tokenRealm ? { tokenRealm: flags.tokenRealm } : {}),
        gcIntervalMs: seconds(flags.gcInterval, '--gc-interval') ?? 0,
        ...(flags.gcGrace !== undefined ? { gcGraceMs: seconds(flags.gcGrace, '--gc-grace') as number } : {}),
      },
      logger,
    );
    ctx.out(`berth registry listening on http://${host.address}\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await host.close();
    logger.flush();
  });
  return cmd;
}
