// The images a project's services run: built from their `build` section through the Engine API's /build (the classic
// protocol, which Docker's engine and berthd both speak; BuildKit's, version=2 over a session of the CLI's, for a
// build with secrets, which the classic builder cannot mount), pulled when missing, and known by ID so that `up` recreates
// a container whose image changed (label com.docker.compose.image), as Compose v2 does.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, type EngineClient } from '../client/engine-client.js';
import { jsonMessages, messageText, StreamError } from '../client/json-messages.js';
import { packContext } from '../lib/build-context.js';
import { openBuildSession } from './build-session.js';
import { ComposeError } from './errors.js';
import type { ServiceConfig } from './model.js';
import type { Progress } from './progress.js';

export interface ImageOptions {
  progress: Progress;
  /** Where the builder's and the puller's output goes. */
  output: (text: string) => void;
  /** Build even when the image exists (`up --build`, `build`). */
  build?: boolean;
  /** Do not use the build cache. */
  noCache?: boolean;
  /** Shows a BuildKit build's reply (its `moby.buildkit.trace` messages) and throws when the build failed; without
   * it the reply is only checked for an error. */
  showBuildkit?: (reply: Readable) => Promise<void>;
}

/** The image's ID, or undefined when the engine does not have it. */
export async function imageId(client: EngineClient, image: string): Promise<string | undefined> {
  try {
    return (await client.images.inspect(image)).Id;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

async function drain(stream: NodeJS.ReadableStream, output: (text: string) => void): Promise<string | undefined> {
  let id: string | undefined;
  try {
    for await (const msg of jsonMessages(stream as never)) {
      const aux = msg.aux as { ID?: string } | undefined;
      if (aux?.ID) id = aux.ID;
      output(messageText(msg, false));
    }
  } catch (err) {
    if (err instanceof StreamError) throw new ComposeError(err.message);
    throw err;
  }
  return id;
}

export async function buildService(client: EngineClient, service: ServiceConfig, opts: ImageOptions): Promise<void> {
  const build = service.build;
  if (!build) throw new ComposeError(`service "${service.name}" has no build section`);
  opts.progress('Service', service.name, 'Building');
  const tmp = await mkdtemp(join(tmpdir(), 'berth-compose-build-'));
  try {
    const tarPath = join(tmp, 'context.tar');
    const dockerfile = await packContext(build.context, { path: build.dockerfile }, tarPath).catch((err: unknown) => {
      throw new ComposeError(`service "${service.name}": build context ${build.context}: ${(err as Error).message}`);
    });
    const session = build.secrets.length ? await openBuildSession(client, `${service.name}`, build.secrets) : undefined;
    try {
      const res = await client.images.build(createReadStream(tarPath), {
        t: [service.image],
        dockerfile,
        ...(Object.keys(build.args).length ? { buildargs: JSON.stringify(build.args) } : {}),
        ...(Object.keys(build.labels).length ? { labels: JSON.stringify(build.labels) } : {}),
        ...(build.target ? { target: build.target } : {}),
        ...(opts.noCache ? { nocache: true } : {}),
        ...(session ? { version: '2' as const, session: session.id } : {}),
      });
      if (!session) await drain(res, opts.output);
      else await (opts.showBuildkit ?? ((reply) => drain(reply, () => {}).then(() => undefined)))(res);
    } finally {
      session?.close();
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  opts.progress('Service', service.name, 'Built');
}

export async function pullImage(client: EngineClient, service: ServiceConfig, opts: ImageOptions): Promise<void> {
  opts.progress('Service', service.name, `Pulling ${service.image}`);
  await drain(await client.images.create({ fromImage: service.image }), () => {});
  opts.progress('Service', service.name, 'Pulled');
}

/** Each service's image made present (built or pulled); returns the image IDs by image name. */
export async function ensureImages(
  client: EngineClient,
  services: ServiceConfig[],
  opts: ImageOptions,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const built = new Set<string>();
  for (const service of services) {
    if (service.build && opts.build && !built.has(service.image)) {
      await buildService(client, service, opts);
      built.add(service.image);
      ids.delete(service.image);
    }
    if (ids.has(service.image)) continue;
    let id = await imageId(client, service.image);
    if (id === undefined) {
      if (service.build) await buildService(client, service, opts);
      else await pullImage(client, service, opts);
      id = await imageId(client, service.image);
      if (id === undefined) throw new ComposeError(`service "${service.name}": image ${service.image} not found`);
    }
    ids.set(service.image, id);
  }
  return ids;
}
