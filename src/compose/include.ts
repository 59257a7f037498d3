// `include`: other compose applications loaded as parts of this project, as the Compose Specification says. Each
// entry (a path, or `path` / `project_directory` / `env_file`) is loaded on its own: its files read and merged (the
// first is the main one, the others override it), interpolated with this project's variables first and then its own
// env files (default: `.env` in its project directory), its relative paths resolved against its project directory
// (default: the first file's directory). Its services, networks, volumes, secrets and configs are then added to the
// including file's; a name both define differently is refused as Compose refuses it. Include paths, a relative
// `project_directory` and `env_file` are relative to the including project's directory.
import { isDeepStrictEqual } from 'node:util';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ComposeError } from './errors.js';
import { rebase, rebased } from './extends.js';
import type { Lookup } from './interpolate.js';
import { canonicalService, mergeFiles } from './merge.js';
import { isTree, Tree } from './syntax.js';

const list = (v: unknown): string[] => (v === undefined ? [] : [v].flat().map(String));

const SECTIONS = ['services', 'volumes', 'networks', 'secrets', 'configs'] as const;

export interface IncludeHooks {
  /** One compose file interpolated with `lookup`, validated, its `extends` resolved. */
  readFile(path: string, lookup: Lookup): Tree;
  /** `outer`'s variables, then those of `files` (missing ones are errors when `required`). */
  envLookup(files: string[], required: boolean, outer: Lookup): Lookup;
}

/** Where a file with `include` sits: its path, its project's directory and variables, the files including it. */
export interface Including {
  path: string;
  workingDir: string;
  lookup: Lookup;
  chain: string[];
}

/** An included part's section entry with its relative paths made absolute against the part's directory. */
function rebasedEntry(section: (typeof SECTIONS)[number], value: unknown, dir: string, lookup: Lookup): unknown {
  if (!isTree(value)) return value;
  if (section === 'services') {
    const service = canonicalService(rebased(value, dir));
    // A bare `environment` key takes its value from the included project's variables, as the part was loaded.
    if (isTree(service.environment))
      service.environment = Object.fromEntries(
        Object.entries(service.environment).map(([k, v]) => [k, v === null ? (lookup(k) ?? null) : v]),
      );
    return service;
  }
  if ((section === 'secrets' || section === 'configs') && typeof value.file === 'string')
    return { ...value, file: rebase(value.file, dir) };
  return value;
}

/** The file's data with its `include`s loaded and added. */
export function resolveIncludes(data: Tree, at: Including, hooks: IncludeHooks): Tree {
  if (!Array.isArray(data.include)) return data;
  const { include, ...out } = data;
  for (const raw of include as unknown[]) {
    const entry: Tree = typeof raw === 'string' ? { path: raw } : isTree(raw) ? raw : {};
    const paths = list(entry.path).map((p) => resolve(at.workingDir, p));
    const main = paths[0];
    if (main === undefined) continue;
    const chain = [...at.chain, at.path];
    if (chain.includes(main))
      throw new ComposeError(
        `include cycle detected:\n${chain[0]}\n include ${[...chain.slice(1), main].join('\n include ')}`,
      );
    const dir =
      typeof entry.project_directory === 'string' ? resolve(at.workingDir, entry.project_directory) : dirname(main);
    const envFiles = list(entry.env_file).map((f) => (isAbsolute(f) ? f : join(at.workingDir, f)));
    const lookup = hooks.envLookup(envFiles.length ? envFiles : [join(dir, '.env')], envFiles.length > 0, at.lookup);
    const parts = paths.map((p) =>
      resolveIncludes(hooks.readFile(p, lookup), { path: p, workingDir: dir, lookup, chain }, hooks),
    );
    const part = mergeFiles(parts);
    for (const section of SECTIONS) {
      const theirs = isTree(part[section]) ? part[section] : {};
      if (Object.keys(theirs).length === 0) continue;
      const ours: Tree = isTree(out[section]) ? { ...out[section] } : {};
      for (const [name, value] of Object.entries(theirs)) {
        const imported = rebasedEntry(section, value, dir, lookup);
        const own = section === 'services' && isTree(ours[name]) ? canonicalService(ours[name]) : ours[name];
        if (name in ours && !isDeepStrictEqual(own, imported))
          throw new ComposeError(`${section}.${name} conflicts with imported resource (${at.path} includes ${main})`);
        ours[name] = imported;
      }
      out[section] = ours;
    }
  }
  return out;
}
