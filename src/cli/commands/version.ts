// berth version: client and server versions, laid out as docker version prints them.
import type { SystemVersion } from '../../client/engine-types.js';
import { ConnectionError } from '../../client/engine-client.js';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { clientVersion } from '../client-info.js';
import { compile, executeBare, parseFormat } from '../format/template.js';
import { tabwrite } from '../format/tabwriter.js';

const CLIENT = `Client:
 Version:\t{{.Version}}
 API version:\t{{.APIVersion}}{{if ne .APIVersion .DefaultAPIVersion}} (downgraded from {{.DefaultAPIVersion}}){{end}}
 Node version:\t{{.GoVersion}}
 Git commit:\t{{.GitCommit}}
 Built:\t{{.BuildTime}}
 OS/Arch:\t{{.Os}}/{{.Arch}}
 Context:\t{{.Context}}
`;

/** The server part: docker's layout, Engine details first, other components with their details sorted. */
function serverText(server: SystemVersion): string {
  let out = `\nServer:${server.Platform?.Name ? ` ${server.Platform.Name}` : ''}\n`;
  for (const c of server.Components ?? []) {
    out += ` ${c.Name}:\n`;
    const d = c.Details ?? {};
    if (c.Name === 'Engine') {
      out += `  Version:\t${c.Version}\n  API version:\t${d.ApiVersion ?? ''} (minimum version ${d.MinAPIVersion ?? ''})\n`;
      out += `  Go version:\t${d.GoVersion ?? ''}\n  Git commit:\t${d.GitCommit ?? ''}\n  Built:\t${d.BuildTime ?? ''}\n`;
      out += `  OS/Arch:\t${d.Os ?? ''}/${d.Arch ?? ''}\n  Experimental:\t${d.Experimental ?? ''}\n`;
    } else {
      out += `  Version:\t${c.Version}\n`;
      for (const key of Object.keys(d).sort()) out += `  ${key}:\t${d[key]}\n`;
    }
  }
  return out;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An RFC 3339 time in Go's ANSIC layout (`Thu May  7 21:09:36 2026`), in the time's own offset. */
export function ansic(text: string): string {
  const ms = Date.parse(text);
  const zone = /(Z|[+-]\d{2}:\d{2})$/.exec(text)?.[1];
  if (Number.isNaN(ms) || !zone) return text;
  const offset =
    zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const d = new Date(ms + offset * 60_000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('Show the Docker version information')
    .argument('[args...]')
    .option('-f, --format <string>', 'Format output using a custom template') as DockerCommand;
  cmd.action(async (args: string[], opts: { format?: string }) => {
    requireArgs(cmd, args, { max: 0 });
    const template = opts.format
      ? compile(
          parseFormat(opts.format).text,
          { missingRootField: (n) => `can't evaluate field ${n} in type system.versionInfo` },
          64,
          'version',
        )
      : undefined;
    let server: SystemVersion | undefined;
    let failure: unknown;
    let negotiated = '';
    try {
      negotiated = await ctx.client.apiVersion();
      const answer = await ctx.client.system.version();
      server = answer;
      Object.defineProperty(answer, 'APIVersion', { value: answer.ApiVersion, enumerable: false });
      // docker shows the engine's build time in Go's ANSIC layout.
      for (const c of answer.Components ?? []) {
        // The swagger gives Details no fields; engines fill in strings such as BuildTime.
        const details = c.Details as Record<string, string> | null | undefined;
        if (details?.BuildTime) details.BuildTime = ansic(details.BuildTime);
      }
    } catch (err) {
      failure = err;
    }
    const client = clientVersion(negotiated || '1.47');
    if (template) ctx.out(`${executeBare(template, { Client: client, Server: server ?? null })}\n`);
    else {
      const clientText = compile(CLIENT).execute(client);
      ctx.out(tabwrite(clientText + (server ? serverText(server) : ''), { minWidth: 20, padding: 1 }));
    }
    if (failure instanceof ConnectionError) throw failure;
    if (failure) throw failure;
  });
  return cmd;
}
