// Exporters of a finished solve. The docker driver's default, `moby` (also reachable as `image`): the image goes
// into berth's store under the `name` attribute's names (-t). `tar` goes back to the client
// (client-exporters.ts). Others are refused by name.
import { ConnectError, Code } from '@connectrpc/connect';
import { normalizeName } from '../core/images/reference.js';
import type { ImageRecord } from '../core/images/image-record.js';
import type { ImageService } from '../engine/images/image-service.js';
import type { SolveProgress } from './solve-progress.js';

const EXPORTERS = new Set(['', 'moby', 'image', 'tar', 'local']);
const KNOWN_ATTRS: Record<string, Set<string>> = { tar: new Set(), local: new Set() };
const IMAGE_ATTRS = new Set(['name', 'push']);

/** Refuses an exporter (or attribute) berth does not implement, before any work starts. */
export function checkExporter(type: string, attrs: Record<string, string>): void {
  if (!EXPORTERS.has(type))
    throw new ConnectError(
      `exporter "${type}" is not supported by berth yet (only the image exporter, moby, tar and local)`,
      Code.Unimplemented,
    );
  const known = KNOWN_ATTRS[type] ?? IMAGE_ATTRS;
  for (const key of Object.keys(attrs))
    if (!known.has(key))
      throw new ConnectError(`exporter attribute "${key}" is not supported by berth yet`, Code.Unimplemented);
  if (attrs.push === 'true')
    throw new ConnectError('push from a build is not supported by berth yet', Code.Unimplemented);
}

function names(attrs: Record<string, string>): string[] {
  return (attrs.name ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
    .map((n) => {
      try {
        return normalizeName(n);
      } catch {
        throw new ConnectError(`invalid reference format: ${n}`, Code.InvalidArgument);
      }
    });
}

export async function exportImage(
  images: ImageService,
  record: ImageRecord,
  attrs: Record<string, string>,
  progress: SolveProgress,
): Promise<Record<string, string>> {
  const tags = names(attrs);
  const vertex = progress.vertex('exporting to image');
  return vertex.track(async () => {
    vertex.status('exporting layers');
    vertex.status(`writing image ${record.id}`);
    for (const n of tags) vertex.status(`naming to ${n}`);
    await images.registerBuilt(record, tags);
    return {
      'containerimage.config.digest': record.id,
      'containerimage.digest': record.id,
      ...(tags.length > 0 ? { 'image.name': tags.join(',') } : {}),
    };
  });
}
