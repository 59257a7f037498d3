// `extends`: a service built on another one, from the same file or another (`file:`), merged as `-f` files merge
// (the extending service's keys over the base's). A base from another file has its relative paths (build context,
// env_file, bind mount sources) made absolute against that file's directory first, as Compose resolves them there.
import { dirname, isAbsolute, resolve } from 'node:path';
import { ComposeError } from './errors.js';
import { canonicalService, mergeService } from './merge.js';
import { isTree, Tree } from './syntax.js';

export const rebase = (path: string, dir: string): string =>
  isAbsolute(path) || path.startsWith('~') ? path : resolve(dir, path);

/** A service of another file with its relative paths resolved against that file's directory. */
export function rebased(service: Tree, dir: string): Tree {
  const out: Tree = { ...service };
  if (typeof out.build === 'string') out.build = rebase(out.build, dir);
  else if (isTree(out.build))
    out.build = { ...out.build, context: rebase(typeof out.build.context === 'string' ? out.build.context : '.', dir) };
  if (typeof out.env_file === 'string') out.env_file = [out.env_file];
  if (Array.isArray(out.env_file))
    out.env_file = out.env_file.map((e: unknown) =>
      typeof e === 'string' ? rebase(e, dir) : isTree(e) ? { ...e, path: rebase(String(e.path), dir) } : e,
    );
  if (Array.isArray(out.volumes))
    out.volumes = out.volumes.map((v: unknown) => {
      if (typeof v === 'string' && /^\.\.?\//.test(v)) {
        const colon = v.indexOf(':');
        return colon < 0 ? v : rebase(v.slice(0, colon), dir) + v.slice(colon);
      }
      if (isTree(v) && v.type === 'bind' && typeof v.source === 'string')
        return { ...v, source: rebase(v.source, dir) };
      return v;
    });
  return out;
}

/**
 * The file's services with every `extends` resolved. `load` reads another compose file (interpolated, validated)
 * for `extends.file`.
 */
export function resolveExtends(data: Tree, path: string, load: (path: string) => Tree, seen: string[] = []): Tree {
  const services = isTree(data.services) ? data.services : {};
  const done = new Map<string, Tree>();
  const resolveService = (name: string, stack: string[]): Tree => {
    const cached = done.get(name);
    if (cached) return cached;
    const service = services[name];
    if (!isTree(service)) throw new ComposeError(`cannot extend service "${name}" in ${path}: service not found`);
    const ext = service.extends;
    if (ext === undefined) return service;
    const { extends: _e, ...own } = service;
    const spec = typeof ext === 'string' ? { service: ext } : (ext as { service: string; file?: string });
    let base: Tree;
    if (spec.file !== undefined) {
      const other = rebase(spec.file, dirname(path));
      const key = `${other}#${spec.service}`;
      if (seen.includes(key)) throw new ComposeError(`extends cycle: ${[...seen, key].join(' -> ')}`);
      const otherServices = resolveExtends(load(other), other, load, [...seen, key]).services as Tree;
      const found = otherServices[spec.service];
      if (!isTree(found))
        throw new ComposeError(`cannot extend service "${spec.service}" in ${other}: service not found`);
      base = rebased(found, dirname(other));
    } else {
      if (stack.includes(spec.service))
        throw new ComposeError(`extends cycle: ${[...stack, spec.service].join(' -> ')}`);
      base = resolveService(spec.service, [...stack, spec.service]);
    }
    const merged = mergeService(canonicalService(base), canonicalService(own));
    done.set(name, merged);
    return merged;
  };
  const out: Tree = {};
  for (const name of Object.keys(services)) out[name] = resolveService(name, [name]);
  return { ...data, services: out };
}
