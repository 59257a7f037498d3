// Finding a container by full ID, name (with or without the leading slash) or unique ID prefix, in Docker's order.
import { invalidArgument, notFound } from '../../core/errdefs.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { ContainerStore } from '../../core/containers/container-store.js';

export function resolveContainer(store: ContainerStore, ref: string): ContainerRecord {
  if (!ref) throw invalidArgument('container name or ID must not be empty');
  const byId = /^[0-9a-f]{64}$/.test(ref) ? store.get(ref) : undefined;
  if (byId) return byId;
  const byName = store.findByName(ref.startsWith('/') ? ref.slice(1) : ref);
  if (byName) return byName;
  const matches = store.findByIdPrefix(ref);
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1) throw invalidArgument(`multiple IDs found with provided prefix: ${ref}`);
  throw notFound(`No such container: ${ref}`);
}
