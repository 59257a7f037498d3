// The service's configuration hash (label com.docker.compose.config-hash): as Compose v2 does, the sha256 of the
// service's configuration without what does not change a container (replicas, depends_on, profiles, build: a rebuilt image shows as a changed image ID instead). A container
// whose label differs from the service's hash is recreated; one that matches is left alone.
import { createHash } from 'node:crypto';
import type { ServiceConfig } from './model.js';

/** JSON with keys sorted at every level, so equal configurations give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

export function serviceHash(service: ServiceConfig): string {
  const { replicas: _r, dependsOn: _d, profiles: _p, build: _b, ...rest } = service;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}
