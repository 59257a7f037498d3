// The dockerfile.v0 frontend's attributes (what `docker buildx build` flags become) as a builder request.
// An attribute berth cannot honour yet is refused by name rather than ignored.
import { ConnectError, Code } from '@connectrpc/connect';
import { formatPlatform, hostPlatform, parsePlatform } from '../core/remotes/platform.js';
import type { BuildRequest } from '../builder/ports.js';

/** Attributes clients send that change nothing berth does (defaults, hints for other workers). */
const HANDLED = new Set([
  'filename',
  'target',
  'no-cache',
  'platform',
  'multi-platform',
  'network',
  'force-network-mode',
  'image-resolve-mode',
  'add-hosts',
  'shm-size',
  'cgroup-parent',
  'dockerfilekey',
  'frontend.caps',
  // buildx sends the git origin and commit of a context inside a git work tree; BuildKit reads them for
  // provenance attestations only, which berth does not make.
  'vcs:source',
  'vcs:revision',
]);

/** A `context:NAME` attribute (buildx's `--build-context NAME=…`) berth serves. */
export type NamedContextAttr =
  /** `local:DIR`: the session's directory DIR (buildx names it NAME, `_context` / `_dockerfile` for those two). */
  | { name: string; kind: 'local'; dirName: string }
  /** `docker-image://REF`: an image, local or pulled as a FROM is. */
  | { name: string; kind: 'image'; ref: string };

export interface DockerfileAttrs {
  filename: string;
  request: BuildRequest;
  namedContexts: NamedContextAttr[];
}

function refuse(what: string): never {
  throw new ConnectError(`${what} is not supported by berth's BuildKit frontend yet`, Code.Unimplemented);
}

/** `cache-imports` (what buildx sends for --cache-from, as JSON): the images whose inline cache to read. */
function cacheImports(value: string): string[] {
  let entries: unknown;
  try {
    entries = JSON.parse(value);
  } catch {
    throw new ConnectError(`invalid cache-imports ${value}`, Code.InvalidArgument);
  }
  if (!Array.isArray(entries)) throw new ConnectError(`invalid cache-imports ${value}`, Code.InvalidArgument);
  return entries.map((e: { Type?: string; Attrs?: Record<string, string> }) => {
    if (e.Type !== 'registry') refuse(`cache importer ${e.Type ?? ''} (--cache-from type=${e.Type ?? ''})`);
    const ref = e.Attrs?.ref;
    if (!ref) throw new ConnectError('registry cache importer requires ref', Code.InvalidArgument);
    return ref;
  });
}

/** What `context:NAME` names; the other sources BuildKit's frontend knows are refused by name. */
function namedContext(name: string, value: string): NamedContextAttr {
  const what = `named context ${name}=${value} (--build-context)`;
  if (name.includes('::')) refuse(`${what} for one platform`);
  if (value.startsWith('local:')) {
    const dirName = value.slice('local:'.length);
    if (!dirName) throw new ConnectError(`invalid ${what}`, Code.InvalidArgument);
    return { name, kind: 'local', dirName };
  }
  if (value.startsWith('docker-image://')) {
    const ref = value.slice('docker-image://'.length);
    if (!ref) throw new ConnectError(`invalid ${what}`, Code.InvalidArgument);
    return { name, kind: 'image', ref };
  }
  if (value.startsWith('input:')) refuse(`${what} from another build's result (a bake target: context)`);
  if (value.startsWith('oci-layout://')) refuse(`${what} from an OCI layout`);
  refuse(`${what} from a git repository or URL`);
}

function shmSize(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new ConnectError(`invalid shm-size ${value}`, Code.InvalidArgument);
  return n;
}

export function dockerfileAttrs(attrs: Record<string, string>): DockerfileAttrs {
  const buildArgs: Record<string, string> = {};
  const labels: Record<string, string> = {};
  const namedContexts: NamedContextAttr[] = [];
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith('build-arg:')) buildArgs[key.slice('build-arg:'.length)] = value;
    else if (key.startsWith('label:')) labels[key.slice('label:'.length)] = value;
    else if (key.startsWith('context:')) namedContexts.push(namedContext(key.slice('context:'.length), value));
    // A stdin tar or URL context: the frontend reads it (remote-context.ts).
    else if (key === 'context') continue;
    else if (key === 'cache-imports') continue;
    else if (!HANDLED.has(key)) refuse(`frontend attribute ${key}`);
  }
  if (attrs['no-cache']) refuse(`no-cache for some stages only (--no-cache-filter ${attrs['no-cache']})`);
  if (attrs.dockerfilekey && attrs.dockerfilekey !== 'dockerfile') refuse(`dockerfilekey ${attrs.dockerfilekey}`);
  const host = hostPlatform(process.arch);
  if (attrs.platform) {
    for (const spec of attrs.platform.split(',')) {
      const wanted = parsePlatform(spec, host);
      if (!wanted || formatPlatform(wanted) !== formatPlatform(host))
        throw new ConnectError(
          `platform ${spec} is not supported: berth builds for ${formatPlatform(host)} only`,
          Code.Unimplemented,
        );
    }
  }
  const network = attrs['force-network-mode'] || attrs.network || 'default';
  if (!['default', 'none', 'host'].includes(network)) refuse(`network mode ${network}`);
  const extraHosts = (attrs['add-hosts'] ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean)
    .map((h) => h.replace('=', ':'));
  const filename = attrs.filename || 'Dockerfile';
  return {
    filename,
    namedContexts,
    request: {
      dockerfile: filename,
      tags: [],
      buildArgs,
      labels,
      target: attrs.target || undefined,
      noCache: 'no-cache' in attrs,
      networkMode: network === 'default' ? undefined : network,
      quiet: false,
      pull: attrs['image-resolve-mode'] === 'pull',
      ...(attrs['cache-imports'] ? { inlineCacheFrom: cacheImports(attrs['cache-imports']) } : {}),
      platform: host,
      runHostConfig: {
        ...(extraHosts.length > 0 ? { ExtraHosts: extraHosts } : {}),
        ...(attrs['shm-size'] ? { ShmSize: shmSize(attrs['shm-size']) } : {}),
        ...(attrs['cgroup-parent'] ? { CgroupParent: attrs['cgroup-parent'] } : {}),
      },
      remove: 'always',
    },
  };
}
