// berth version: client and server versions, as docker version prints them.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

interface ServerVersion {
  Version: string;
  ApiVersion: string;
  MinAPIVersion: string;
  Os: string;
  Arch: string;
  Platform?: { Name: string };
  Components?: { Name: string; Version: string }[];
}

export function versionCommand(program: Command, ctx: CliContext): void {
  program
    .command('version')
    .description('Show the berth version information')
    .action(async () => {
      const out = (line: string): void => void ctx.stdout.write(`${line}\n`);
      out('Client:');
      out(` Version:           ${process.env.npm_package_version ?? '0.1.0'}`);
      out(` API version:       ${await ctx.client.apiVersion()}`);
      out(` Node version:      ${process.version}`);
      out(` OS/Arch:           linux/${process.arch === 'x64' ? 'amd64' : process.arch}`);
      const server = await ctx.client.json<ServerVersion>('GET', '/version');
      out('');
      out(`Server: ${server.Platform?.Name ?? ''}`);
      for (const component of server.Components ?? []) {
        out(` ${component.Name}:`);
        out(`  Version:          ${component.Version}`);
      }
      out(` API version:       ${server.ApiVersion} (minimum version ${server.MinAPIVersion})`);
      out(` OS/Arch:           ${server.Os}/${server.Arch}`);
    });
}
