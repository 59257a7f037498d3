// The dashboard's compose actions: `POST /compose/projects/{name}/up` and `/down`. A project is found by its
// containers' Compose labels (its files and working directory, whoever made it), loaded and applied by berth compose's
// own code (src/compose: loadProject, up, down) through the Engine API client, exactly as `berth compose -p NAME -f
// FILES up -d` / `down` would. Variables come from the `--env-file` files the project was brought up with (Compose v2's
// label com.docker.compose.project.environment_file, which berth compose sets too), else its `.env`, and the daemon's
// environment: the shell environment of whoever ran the first `up` is recorded nowhere (nor by Compose v2).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, EngineClient } from '../../client/engine-client.js';
import type { Logger } from '../../lib/logger.js';
import { ComposeError } from '../../compose/errors.js';
import { LABEL, projectFilters } from '../../compose/labels.js';
import { loadProject } from '../../compose/load.js';
import { up } from '../../compose/up.js';
import { down } from '../../compose/down.js';
import { progressLine } from '../../compose/progress.js';
import { securityHeaders } from './static-assets.js';

const ROUTE = /^\/compose\/projects\/([a-z0-9][a-z0-9_-]*)\/(up|down)$/;

/** Whether the path is one of these routes. */
export const isComposePath = (path: string): boolean => path.startsWith('/compose/');

function reply(res: ServerResponse, status: number, body: unknown): void {
  securityHeaders(res);
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Project name and action, or a Docker-shaped error already sent. */
export async function handleCompose(
  engineSocket: string,
  version: string,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  logger: Logger,
): Promise<void> {
  const match = ROUTE.exec(path);
  if (!match) return reply(res, 404, { message: `page not found: ${path}` });
  if (req.method !== 'POST') return reply(res, 405, { message: 'method not allowed' });
  const [, name = '', action] = match;
  const client = new EngineClient(engineSocket);
  const lines: string[] = [];
  const progress = (kind: Parameters<typeof progressLine>[0], resource: string, status: string): void =>
    void lines.push(progressLine(kind, resource, status).trim());
  try {
    const containers = await client.containers.list({ all: true, filters: JSON.stringify(projectFilters(name)) });
    const labels = containers.find((c) => c.Labels?.[LABEL.configFiles])?.Labels;
    const files = labels?.[LABEL.configFiles]?.split(',').filter(Boolean) ?? [];
    const workingDir = labels?.[LABEL.workingDir];
    const envFiles = labels?.[LABEL.environmentFile]?.split(',').filter(Boolean) ?? [];
    if (!workingDir || files.length === 0)
      return reply(res, 404, { message: `no such compose project: ${name} (no container with its files' labels)` });
    const project = loadProject({
      files,
      projectName: name,
      projectDirectory: workingDir,
      ...(envFiles.length > 0 ? { envFiles } : {}),
      env: process.env,
      cwd: workingDir,
      warn: (message) => logger.warn({ project: name }, message),
    });
    const warn = (message: string): void => void lines.push(message);
    if (action === 'up') await up(client, project, { version, progress, warn, output: () => undefined });
    else await down(client, project, { progress, warn });
    reply(res, 200, { lines });
  } catch (err) {
    if (err instanceof ComposeError) return reply(res, 400, { message: err.message });
    if (err instanceof ApiError) return reply(res, err.status, { message: err.message });
    logger.error({ err, project: name }, `compose ${action} failed`);
    reply(res, 500, { message: (err as Error).message });
  }
}
