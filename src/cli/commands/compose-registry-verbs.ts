// berth compose pull and push: the services' images from and to their registries, with the stored credentials.
// pull takes the services that name an image and have no build section; push the ones that are built and named.
import type { DockerCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { composeExit, progressOn, project } from '../compose-project.js';
import { registryAuthHeader } from '../credentials.js';
import { parseUserReference } from '../reference.js';
import { domainOfName } from './pull.js';
import { jsonMessages, StreamError } from '../../client/json-messages.js';
import { ComposeError } from '../../compose/errors.js';
import type { ServiceConfig } from '../../compose/model.js';

async function drain(stream: NodeJS.ReadableStream): Promise<void> {
  try {
    for await (const _ of jsonMessages(stream as never));
  } catch (err) {
    if (err instanceof StreamError) throw new ComposeError(err.message);
    throw err;
  }
}

function register(
  parent: DockerCommand,
  ctx: CliContext,
  name: string,
  description: string,
  wants: (s: ServiceConfig) => boolean,
  act: (image: string) => Promise<NodeJS.ReadableStream>,
  status: [doing: string, done: string],
): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] [SERVICE...]')
    .description(description)
    .argument('[services...]')
    .option('-q, --quiet', 'Pull without printing progress information') as DockerCommand;
  cmd.action(async (services: string[]) => {
    const p = project(ctx, cmd);
    const progress = progressOn(ctx);
    try {
      for (const s of services) if (!p.services[s]) throw new ComposeError(`no such service: ${s}`);
      const chosen = Object.values(p.services).filter(
        (s) => wants(s) && (services.length === 0 || services.includes(s.name)),
      );
      for (const service of chosen) {
        progress('Image', service.image, status[0]);
        await drain(await act(service.image));
        progress('Image', service.image, status[1]);
      }
    } catch (err) {
      throw composeExit(err);
    }
  });
  return cmd;
}

export function registerPull(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  return register(
    parent,
    ctx,
    name,
    'Pull service images',
    (s) => !s.build,
    async (image) => {
      const ref = parseUserReference(image);
      return ctx.client.images.create(
        { fromImage: ref.name, tag: ref.digest ?? ref.tag ?? 'latest' },
        { auth: await registryAuthHeader(domainOfName(ref.name), process.env) },
      );
    },
    ['Pulling', 'Pulled'],
  );
}

export function registerPush(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  return register(
    parent,
    ctx,
    name,
    'Push service images',
    (s) => s.build?.named === true,
    async (image) => {
      const ref = parseUserReference(image);
      return ctx.client.images.push(
        ref.name,
        { tag: ref.tag ?? 'latest' },
        await registryAuthHeader(domainOfName(ref.name), process.env),
      );
    },
    ['Pushing', 'Pushed'],
  );
}
