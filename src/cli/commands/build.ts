// berth build: the directory (minus .dockerignore matches) is packed into a temporary tar, sent to
// POST /build with docker's query parameters, and the classic builder's progress is printed as docker does.
// `-f -` (or a Dockerfile outside the context) travels inside the tar as `.dockerfile.<random>`.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packContext } from '../../lib/build-context.js';
import { jsonMessages, messageText, StreamError } from '../../client/json-messages.js';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { humanSize } from '../format/units.js';

const PROGRESS_MODES = new Set(['auto', 'plain', 'tty']);

const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface BuildOptions {
  tag: string[];
  file?: string;
  buildArg: string[];
  label: string[];
  target?: string;
  cache: boolean;
  iidfile?: string;
  network?: string;
  quiet?: boolean;
  rm: boolean;
  forceRm?: boolean;
  pull?: boolean;
  progress?: string;
}

function keyValues(list: string[], fromEnv: boolean): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq >= 0) out[item.slice(0, eq)] = item.slice(eq + 1);
    else out[item] = fromEnv ? (process.env[item] ?? null) : '';
  }
  return out;
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] PATH | URL | -')
    .description('Build an image from a Dockerfile')
    .argument('[args...]')
    .option('-t, --tag <name>', 'Name and optionally a tag in the "name:tag" format', collect, [])
    .option('-f, --file <string>', 'Name of the Dockerfile (Default is "PATH/Dockerfile")')
    .option('--build-arg <list>', 'Set build-time variables', collect, [])
    .option('--label <list>', 'Set metadata for an image', collect, [])
    .option('--target <string>', 'Set the target build stage to build.')
    .option('--no-cache', 'Do not use cache when building the image')
    .option('--iidfile <string>', 'Write the image ID to the file')
    .option('--network <string>', 'Set the networking mode for the RUN instructions during build', 'default')
    .option('-q, --quiet', 'Suppress the build output and print image ID on success')
    .option('--rm', 'Remove intermediate containers after a successful build', true)
    .option('--force-rm', 'Always remove intermediate containers')
    .option('--pull', 'Always attempt to pull a newer version of the image')
    .option(
      '--progress <string>',
      'Set type of progress output ("auto", "plain", "tty"): builds with BuildKit (POST /build?version=2). Use plain to show container output',
    ) as DockerCommand;
  cmd.action(async (args: string[], opts: BuildOptions) => {
    requireArgs(cmd, args, { exact: 1 });
    if (opts.progress !== undefined && !PROGRESS_MODES.has(opts.progress))
      throw new CliExit(1, `invalid progress mode "${opts.progress}": use auto, plain or tty`);
    const target = args[0] as string;
    if (/^(https?|git):\/\//.test(target)) throw new CliExit(1, 'building from a URL context is not supported');
    let dockerfile: { path?: string; text?: string } = {};
    if (opts.file === '-') dockerfile = { text: await readStdin(ctx) };
    const contextDir = resolve(target === '-' ? '.' : target);
    if (target === '-') throw new CliExit(1, 'building from a context on stdin is not supported');
    const st = await stat(contextDir).catch(() => undefined);
    if (!st?.isDirectory()) throw new CliExit(1, `unable to prepare context: path "${target}" not found`);
    if (opts.file && opts.file !== '-')
      dockerfile = { path: resolve(opts.file.startsWith('/') ? opts.file : resolve(opts.file)) };
    else if (!opts.file) dockerfile = { path: join(contextDir, 'Dockerfile') };
    if (dockerfile.path && !(await stat(dockerfile.path).catch(() => undefined))) {
      throw new CliExit(
        1,
        `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${dockerfile.path}: no such file or directory`,
      );
    }
    const tmp = await mkdtemp(join(tmpdir(), 'berth-build-'));
    try {
      const tarPath = join(tmp, 'context.tar');
      const dockerfileName = await packContext(contextDir, dockerfile, tarPath);
      const size = (await stat(tarPath)).size;
      if (!opts.quiet && !opts.progress) ctx.out(`Sending build context to Docker daemon  ${humanSize(size)}\r\r\n`);
      const buildArgs = keyValues(opts.buildArg, true);
      const labels = keyValues(opts.label, false);
      const res = await ctx.client.images.build(createReadStream(tarPath), {
        t: opts.tag.length ? opts.tag : undefined,
        dockerfile: dockerfileName,
        buildargs: Object.keys(buildArgs).length ? JSON.stringify(buildArgs) : undefined,
        labels: Object.keys(labels).length ? JSON.stringify(labels) : undefined,
        target: opts.target,
        nocache: opts.cache === false ? true : undefined,
        networkmode: opts.network,
        q: opts.quiet ? true : undefined,
        rm: opts.rm === false ? false : undefined,
        forcerm: opts.forceRm ? true : undefined,
        pull: opts.pull ? '1' : undefined,
        ...(opts.progress ? { version: '2' as const } : {}),
      });
      if (opts.progress) {
        const { showBuildkitBuild } = await import('../buildkit-build-output.js');
        const id = await showBuildkitBuild(ctx, res, opts.quiet ? 'quiet' : opts.progress);
        if (opts.quiet) ctx.out(`${id}\n`);
        if (opts.iidfile) await writeFile(opts.iidfile, id);
        return;
      }
      let imageId: string | undefined;
      try {
        for await (const msg of jsonMessages(res)) {
          const aux = msg.aux as { ID?: string } | undefined;
          if (aux?.ID) imageId = aux.ID;
          // Quiet: the engine sends only the ID, as a stream line (dockerd sends no aux then).
          else if (opts.quiet && typeof msg.stream === 'string' && /^sha256:[0-9a-f]{64}\s*$/.test(msg.stream))
            imageId = msg.stream.trim();
          ctx.out(messageText(msg, false));
        }
      } catch (err) {
        if (err instanceof StreamError) throw new CliExit(err.code || 1, err.message);
        throw err;
      }
      if (opts.iidfile && imageId) await writeFile(opts.iidfile, imageId);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
  return cmd;
}

async function readStdin(ctx: CliContext): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of ctx.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
