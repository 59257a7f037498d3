// Loading a project: find the compose files, read `.env`, then per file parse, interpolate, validate against the
// schema and refuse what berth does not honour; merge the files; settle the project name; normalise.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ComposeError } from './errors.js';
import { parseDotenv } from './dotenv.js';
import { interpolateTree, type Lookup } from './interpolate.js';
import { resolveExtends } from './extends.js';
import { resolveIncludes, type IncludeHooks } from './include.js';
import { mergeFiles } from './merge.js';
import type { Project } from './model.js';
import { normaliseProject } from './normalise.js';
import { projectName } from './project-name.js';
import { checkSchema } from './schema-check.js';
import { parseSourceFile } from './source-file.js';
import { refuseUnsupported } from './supported.js';

export interface LoadOptions {
  /** `-f` files, in order; none: COMPOSE_FILE, else the default names in `cwd`. */
  files: string[];
  /** `-p`. */
  projectName?: string;
  /** `--project-directory`; default: the first file's directory. */
  projectDirectory?: string;
  /** `--env-file`; default: `.env` in the project directory. */
  envFiles?: string[];
  /** `--profile`; default: COMPOSE_PROFILES. */
  profiles?: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  warn?: (message: string) => void;
}

const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDE_FILES = [
  'compose.override.yaml',
  'compose.override.yml',
  'docker-compose.override.yaml',
  'docker-compose.override.yml',
];

/** The compose files to read, absolute. */
export function findComposeFiles(opts: Pick<LoadOptions, 'files' | 'env' | 'cwd'>): string[] {
  if (opts.files.length > 0) return opts.files.map((f) => (f === '-' ? f : resolve(opts.cwd, f)));
  const fromEnv = opts.env.COMPOSE_FILE;
  if (fromEnv)
    return fromEnv
      .split(opts.env.COMPOSE_PATH_SEPARATOR ?? ':')
      .filter(Boolean)
      .map((f) => resolve(opts.cwd, f));
  const main = DEFAULT_FILES.map((f) => join(opts.cwd, f)).find((f) => existsSync(f));
  if (!main) throw new ComposeError('no configuration file provided: not found');
  const override = OVERRIDE_FILES.map((f) => join(opts.cwd, f)).find((f) => existsSync(f));
  return override ? [main, override] : [main];
}

const readIfExists = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
};

/** `outer`'s variables, then those of the env `files` in order (a missing file is an error when `required`). */
function envFilesLookup(files: string[], required: boolean, outer: Lookup): Lookup {
  const fromFiles = new Map<string, string>();
  for (const path of files) {
    const text = readIfExists(path);
    if (text === undefined) {
      if (required) throw new ComposeError(`couldn't find env file: ${path}`);
      continue;
    }
    for (const [k, v] of parseDotenv(text, path, (n) => outer(n) ?? fromFiles.get(n))) fromFiles.set(k, v);
  }
  return (name) => outer(name) ?? fromFiles.get(name);
}

/** The `--env-file` files, absolute (none given: none). */
const explicitEnvFiles = (opts: LoadOptions): string[] => (opts.envFiles ?? []).map((f) => resolve(opts.cwd, f));

/** The variables interpolation sees: the shell's environment over the env files'. */
function environment(opts: LoadOptions, workingDir: string): Lookup {
  const explicit = explicitEnvFiles(opts);
  const files = explicit.length > 0 ? explicit : [join(workingDir, '.env')];
  return envFilesLookup(files, explicit.length > 0, (name) => opts.env[name]);
}

export function loadProject(opts: LoadOptions): Project {
  const files = findComposeFiles(opts);
  if (files.includes('-'))
    throw new ComposeError('reading a compose file from stdin (-f -) is not supported by berth compose yet');
  const workingDir = resolve(opts.cwd, opts.projectDirectory ?? dirname(files[0] as string));
  const base = environment(opts, workingDir);
  const early = opts.projectName || base('COMPOSE_PROJECT_NAME');
  const lookup: Lookup = (name) => (name === 'COMPOSE_PROJECT_NAME' && early ? early : base(name));
  const unset = new Set<string>();
  const readWith =
    (vars: Lookup) =>
    (path: string): Record<string, unknown> => {
      const text = readIfExists(path);
      if (text === undefined) throw new ComposeError(`open ${path}: no such file or directory`);
      const file = parseSourceFile(path, text);
      const data = interpolateTree(file.data, vars, [], { onUnset: (n) => unset.add(n) }) as Record<string, unknown>;
      checkSchema(file, data);
      refuseUnsupported(file, data);
      return data;
    };
  const includeHooks: IncludeHooks = {
    readFile: (path, vars) => resolveExtends(readWith(vars)(path), path, readWith(vars)),
    envLookup: envFilesLookup,
  };
  const datas = files.map((path) => {
    const data = readWith(lookup)(path);
    if (data.version !== undefined)
      opts.warn?.(
        `${path}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`,
      );
    const at = { path, workingDir, lookup, chain: [] };
    return resolveIncludes(resolveExtends(data, path, readWith(lookup)), at, includeHooks);
  });
  for (const name of unset) opts.warn?.(`The "${name}" variable is not set. Defaulting to a blank string.`);
  const merged = mergeFiles(datas);
  const name = projectName({
    ...(opts.projectName ? { flag: opts.projectName } : {}),
    ...(base('COMPOSE_PROJECT_NAME') ? { env: base('COMPOSE_PROJECT_NAME') as string } : {}),
    ...(typeof merged.name === 'string' && merged.name ? { fileName: merged.name } : {}),
    workingDir,
  });
  const profiles =
    opts.profiles && opts.profiles.length > 0
      ? opts.profiles
      : (base('COMPOSE_PROFILES') ?? '').split(',').filter(Boolean);
  const project = normaliseProject(merged, {
    name,
    workingDir,
    configFiles: files,
    lookup,
    readFile: readIfExists,
    profiles,
    ...(opts.warn ? { warn: opts.warn } : {}),
  });
  const envFiles = explicitEnvFiles(opts);
  return envFiles.length > 0 ? { ...project, envFiles } : project;
}
