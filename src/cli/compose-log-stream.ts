// The logs of a project's containers, each line prefixed with its container (`web-1  | ...`), as Compose prints them:
// for `logs` (-f, --tail, -t) and for an attached `up`.
import type { Readable } from 'node:stream';
import { demultiplex } from '../client/stream-frames.js';
import type { Project } from '../compose/model.js';
import { projectContainers, type ProjectContainer } from '../compose/project-containers.js';
import type { CliContext } from './context.js';

export interface LogOptions {
  follow?: boolean;
  /** Follow until every container has exited (attached `up`). */
  untilExit?: boolean;
  tail?: string;
  timestamps?: boolean;
  color: boolean;
  prefix: boolean;
  signal?: AbortSignal;
  /** With untilExit: told of each container's exit, after its last line (`--abort-on-container-exit`). */
  onExit?: (container: ProjectContainer, exitCode: number) => void;
}

const COLORS = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

/** Writes whole lines, each with the prefix. */
function lineWriter(
  out: NodeJS.WritableStream,
  prefix: string,
): { write(chunk: Buffer | string): boolean; flush(): void } {
  let pending = '';
  return {
    write(chunk) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) out.write(`${prefix}${line}\n`);
      return true;
    },
    flush() {
      if (pending) out.write(`${prefix}${pending}\n`);
      pending = '';
    },
  };
}

const shortName = (project: Project, c: ProjectContainer): string =>
  c.name.startsWith(`${project.name}-`) ? c.name.slice(project.name.length + 1) : c.name;

export async function followLogs(
  ctx: CliContext,
  project: Project,
  services: string[],
  opts: LogOptions,
): Promise<void> {
  const containers = (await projectContainers(ctx.client, project.name)).filter(
    (c) => services.length === 0 || services.includes(c.service),
  );
  const width = Math.max(0, ...containers.map((c) => shortName(project, c).length));
  const colour = opts.color && ctx.stdout.isTTY;
  await Promise.all(
    containers.map(async (c, i) => {
      const label = shortName(project, c).padEnd(width);
      // On a terminal, as Compose v2: the container's prefix, and its exit line, in the container's own colour.
      const paint = (text: string): string =>
        colour && text ? `\x1b[${COLORS[i % COLORS.length]}m${text}\x1b[0m` : text;
      const prefix = paint(opts.prefix ? `${label}  | ` : '');
      const out = lineWriter(ctx.stdout, prefix);
      const err = lineWriter(ctx.stderr, prefix);
      let res: Readable;
      try {
        res = await ctx.client.containers.logs(
          c.id,
          {
            stdout: true,
            stderr: true,
            follow: opts.follow || opts.untilExit,
            timestamps: opts.timestamps,
            tail: opts.tail ?? 'all',
          },
          opts.signal ? { signal: opts.signal } : {},
        );
      } catch (e) {
        if (opts.signal?.aborted) return;
        throw e;
      }
      try {
        const tty = (await ctx.client.containers.inspect(c.id)).Config?.Tty;
        if (tty) for await (const chunk of res) out.write(chunk as Buffer);
        else await demultiplex(res, out as unknown as NodeJS.WritableStream, err as unknown as NodeJS.WritableStream);
      } catch (e) {
        if (!opts.signal?.aborted) throw e;
      } finally {
        out.flush();
        err.flush();
      }
      if (opts.untilExit && !opts.signal?.aborted) {
        const code = (await ctx.client.containers.inspect(c.id)).State?.ExitCode ?? 0;
        ctx.stdout.write(`${paint(`${label.trimEnd()} exited with code ${code}`)}\n`);
        opts.onExit?.(c, code);
      }
    }),
  );
}
