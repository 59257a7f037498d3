// Maps a /v2/ path to one endpoint of the distribution spec. Repository names hold slashes, so the path is
// matched from its end (`.../manifests/<ref>`), as distribution does.

export type RegistryRoute =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'tags'; name: string }
  | { kind: 'manifest'; name: string; ref: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; id: string }
  | { kind: 'referrers'; name: string; digest: string };

const PATTERNS: [RegExp, (m: RegExpExecArray) => RegistryRoute][] = [
  [/^\/v2\/?$/, () => ({ kind: 'base' })],
  [/^\/v2\/_catalog$/, () => ({ kind: 'catalog' })],
  [/^\/v2\/(.+)\/tags\/list$/, (m) => ({ kind: 'tags', name: m[1] as string })],
  [/^\/v2\/(.+)\/manifests\/([^/]+)$/, (m) => ({ kind: 'manifest', name: m[1] as string, ref: m[2] as string })],
  [/^\/v2\/(.+)\/blobs\/uploads\/?$/, (m) => ({ kind: 'uploads', name: m[1] as string })],
  [/^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, (m) => ({ kind: 'upload', name: m[1] as string, id: m[2] as string })],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, (m) => ({ kind: 'blob', name: m[1] as string, digest: m[2] as string })],
  [/^\/v2\/(.+)\/referrers\/([^/]+)$/, (m) => ({ kind: 'referrers', name: m[1] as string, digest: m[2] as string })],
];

/** The route of a URL path (no query), or undefined when it is none of the spec's. */
export function matchRoute(path: string): RegistryRoute | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  for (const [re, make] of PATTERNS) {
    const m = re.exec(decoded);
    if (m) return make(m);
  }
  return undefined;
}

export const blobUrl = (name: string, digest: string): string => `/v2/${name}/blobs/${digest}`;
export const manifestUrl = (name: string, ref: string): string => `/v2/${name}/manifests/${ref}`;
export const uploadUrl = (name: string, id: string): string => `/v2/${name}/blobs/uploads/${id}`;
