// berth build: the directory (minus .dockerignore matches) is packed into a temporary tar, sent to
// POST /build with docker's query parameters, and the classic builder's progress is printed as docker does.
// `-f -` (or a Dockerfile outside the context) travels inside the tar as `.dockerfile.<random>`.
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdtemp, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { isIgnored, mayReinclude, parseDockerignore, type IgnorePattern } from '../../lib/dockerignore.js';
import { jsonMessages, messageText, StreamError } from '../../client/json-messages.js';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { humanSize } from '../format/units.js';

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
}

type TarHeader = Parameters<tar.Pack['entry']>[0];

async function addTree(
  pack: tar.Pack,
  root: string,
  rel: string,
  ignore: IgnorePattern[],
  always: Set<string>,
): Promise<void> {
  for (const name of (await readdir(join(root, rel))).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    const full = join(root, path);
    if (isIgnored(ignore, path) && !always.has(path)) {
      // As docker's archiver: an excluded directory is still walked when a `!` pattern re-includes something in it.
      if (mayReinclude(ignore, path) && (await lstat(full)).isDirectory())
        await addTree(pack, root, path, ignore, always);
      continue;
    }
    const st = await lstat(full);
    const base: TarHeader = { name: path, mode: st.mode & 0o7777, mtime: st.mtime, uid: 0, gid: 0 };
    if (st.isDirectory()) {
      await new Promise<void>((ok, fail) =>
        pack.entry({ ...base, name: `${path}/`, type: 'directory' }, (e) => (e ? fail(e) : ok())),
      );
      await addTree(pack, root, path, ignore, always);
    } else if (st.isSymbolicLink()) {
      const linkname = await readlink(full);
      await new Promise<void>((ok, fail) =>
        pack.entry({ ...base, type: 'symlink', linkname }, (e) => (e ? fail(e) : ok())),
      );
    } else if (st.isFile()) {
      await pipeline(createReadStream(full), pack.entry({ ...base, type: 'file', size: st.size }));
    }
  }
}

/** Packs the context into `out`; returns the dockerfile path to name in the request. */
async function packContext(
  contextDir: string,
  dockerfile: { path?: string; text?: string },
  out: string,
): Promise<string> {
  const ignore = parseDockerignore(await readFile(join(contextDir, '.dockerignore'), 'utf8').catch(() => ''));
  const pack = tar.pack();
  const done = pipeline(pack, createWriteStream(out));
  let name = 'Dockerfile';
  let inject: string | undefined = dockerfile.text;
  if (dockerfile.path !== undefined) {
    const rel = relative(contextDir, dockerfile.path);
    if (rel.startsWith('..') || rel.startsWith(sep)) inject = await readFile(dockerfile.path, 'utf8');
    else name = rel.split(sep).join('/');
  }
  if (inject !== undefined) name = `.dockerfile.${randomBytes(10).toString('hex')}`;
  await addTree(pack, contextDir, '', ignore, new Set([name, '.dockerignore']));
  if (inject !== undefined) pack.entry({ name, mode: 0o600, mtime: new Date() }, inject);
  pack.finalize();
  await done;
  return name;
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
    .option('--pull', 'Always attempt to pull a newer version of the image') as DockerCommand;
  cmd.action(async (args: string[], opts: BuildOptions) => {
    requireArgs(cmd, args, { exact: 1 });
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
      if (!opts.quiet) ctx.out(`Sending build context to Docker daemon  ${humanSize(size)}\r\r\n`);
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
      });
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
