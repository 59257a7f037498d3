// Several compose files (`-f a -f b`) merged as the Compose Specification says: mappings merged key by key,
// sequences appended, scalars overridden; `command`, `entrypoint` and `healthcheck.test` replaced whole; `ports`
// and `volumes` unique by their key (a later entry with the same key replaces the earlier one). Forms that can be a
// list or a mapping (environment, labels, depends_on, a service's networks ...) are made mappings first.
import { parsePort, portKey } from './port-syntax.js';
import { isTree, Tree } from './syntax.js';

/** `KEY=VALUE` items (or bare keys, kept as null) as a mapping; a mapping as is. */
function asMapping(value: unknown, split = true): unknown {
  if (!Array.isArray(value)) return value;
  const out: Tree = {};
  for (const item of value as unknown[]) {
    const text = String(item);
    const eq = split ? text.indexOf('=') : -1;
    if (eq < 0) out[text] = null;
    else out[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return out;
}

/** depends_on as a list of names is `service_started` for each. */
function dependsOnMapping(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return Object.fromEntries((value as unknown[]).map((name) => [String(name), { condition: 'service_started' }]));
}

/** A service's mergeable form. */
export function canonicalService(service: Tree): Tree {
  const out: Tree = { ...service };
  for (const key of ['environment', 'labels', 'annotations', 'sysctls']) if (key in out) out[key] = asMapping(out[key]);
  if ('networks' in out) out.networks = asMapping(out.networks, false);
  if ('depends_on' in out) out.depends_on = dependsOnMapping(out.depends_on);
  if (typeof out.env_file === 'string') out.env_file = [out.env_file];
  if (typeof out.tmpfs === 'string') out.tmpfs = [out.tmpfs];
  if (typeof out.dns === 'string') out.dns = [out.dns];
  if (isTree(out.extra_hosts))
    out.extra_hosts = Object.entries(out.extra_hosts).flatMap(([host, ip]) =>
      (Array.isArray(ip) ? ip : [ip]).map((one) => `${host}:${String(one)}`),
    );
  return out;
}

const volumeTarget = (entry: unknown): string => {
  if (isTree(entry)) return String(entry.target);
  const parts = String(entry).split(':');
  return (parts.length === 1 ? parts[0] : parts[1]) as string;
};

const portKeys = (entry: unknown): string => parsePort(entry, 'ports').map(portKey).join(',');

/** Appends `over` to `base`, an entry of `over` replacing the entries of `base` with the same key. */
function uniqueBy(base: unknown[], over: unknown[], key: (e: unknown) => string): unknown[] {
  const replaced = new Set(over.map(key));
  return [...base.filter((e) => !replaced.has(key(e))), ...over];
}

export function mergeService(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    if (key === 'command' || key === 'entrypoint' || prev === undefined) out[key] = value;
    else if (key === 'ports' && Array.isArray(prev) && Array.isArray(value)) out[key] = uniqueBy(prev, value, portKeys);
    else if (key === 'volumes' && Array.isArray(prev) && Array.isArray(value))
      out[key] = uniqueBy(prev, value, volumeTarget);
    else if (key === 'healthcheck' && isTree(prev) && isTree(value)) out[key] = { ...prev, ...value };
    else out[key] = mergeValues(prev, value);
  }
  return out;
}

/** The generic rule: mappings merged, sequences appended, anything else replaced. */
export function mergeValues(base: unknown, over: unknown): unknown {
  if (isTree(base) && isTree(over)) {
    const out: Tree = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in out ? mergeValues(out[k], v) : v;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) return [...base, ...over];
  return over;
}

/** Several files' data (interpolated and validated), first to last, as one. */
export function mergeFiles(files: Tree[]): Tree {
  let merged: Tree = {};
  for (const data of files) {
    const services = isTree(data.services) ? data.services : {};
    const canonical = Object.fromEntries(
      Object.entries(services).map(([n, s]) => [n, canonicalService(isTree(s) ? s : {})]),
    );
    const { services: _s, ...rest } = data;
    merged = mergeValues(merged, rest) as Tree;
    const mergedServices = isTree(merged.services) ? { ...merged.services } : {};
    for (const [name, service] of Object.entries(canonical)) {
      const prev = mergedServices[name];
      mergedServices[name] = isTree(prev) ? mergeService(prev, service) : service;
    }
    merged.services = mergedServices;
  }
  return merged;
}
