// berth inspect: any object by name or ID, trying types in docker's order. Adding a type is one entry.
import { ApiError, type EngineClient } from '../../client/engine-client.js';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { inspectEach } from '../format/inspect.js';

interface ObjectType {
  type: string;
  fetch(client: EngineClient, name: string, size: boolean): Promise<string>;
}

/** The types docker's inspect knows, in the order it tries them. Swarm types are never found here. */
const TYPES: ObjectType[] = [
  { type: 'container', fetch: (c, n, size) => c.containers.inspectText(n, { size: size || undefined }) },
  { type: 'image', fetch: (c, n) => c.images.inspectText(n) },
  { type: 'network', fetch: (c, n) => c.networks.inspectText(n) },
  { type: 'volume', fetch: (c, n) => c.volumes.inspectText(n) },
];
const ALL_TYPES = ['config', 'container', 'image', 'network', 'node', 'plugin', 'secret', 'service', 'task', 'volume'];

/** Not found, or a route this daemon does not serve: try the next type. */
const notThere = (err: unknown): boolean =>
  err instanceof ApiError && (err.status === 404 || err.status === 501 || err.status === 405);

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] NAME|ID [NAME|ID...]')
    .description('Return low-level information on Docker objects')
    .argument('[names...]')
    .option('-f, --format <string>', 'Format output using a custom template')
    .option('-s, --size', 'Display total file sizes if the type is container')
    .option('--type <string>', 'Only inspect objects of the given type') as DockerCommand;
  cmd.action(async (names: string[], opts: { format?: string; size?: boolean; type?: string }) => {
    requireArgs(cmd, names, { min: 1 });
    if (opts.type && !ALL_TYPES.includes(opts.type)) {
      throw new CliExit(1, `unknown type: "${opts.type}": must be one of ${ALL_TYPES.map((t) => `"${t}"`).join(', ')}`);
    }
    const candidates = opts.type ? TYPES.filter((t) => t.type === opts.type) : TYPES;
    const fetch = async (object: string): Promise<string> => {
      for (const t of candidates) {
        try {
          return await t.fetch(ctx.client, object, opts.size === true);
        } catch (err) {
          if (opts.type || !notThere(err)) throw err;
        }
      }
      throw new CliExit(1, `Error: No such object: ${object}`);
    };
    await inspectEach(
      names,
      fetch,
      opts.format,
      (t) => ctx.out(t),
      (_n, err) => {
        if (err instanceof CliExit) return err.message;
        if (err instanceof ApiError) return `Error response from daemon: ${err.message}`;
        throw err;
      },
    );
  });
  return cmd;
}
