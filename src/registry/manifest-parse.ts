// Validates a pushed manifest and extracts what the registry must check and index: the blobs and child
// manifests it references, its subject, its artifact type. Docker schema2 and manifest lists, OCI manifests
// and indexes; schema 1 is refused as current Docker refuses it.
import { isDigest, type Digest } from '../lib/digest.js';
import { MEDIA_TYPES } from '../spec/oci/image.js';
import type { ManifestReferences } from '../core/registry-server/registry-index.js';
import { registryError } from './errors.js';

const IMAGE_TYPES = new Set<string>([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);
const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]);

export const MANIFEST_MEDIA_TYPES = [...IMAGE_TYPES, ...INDEX_TYPES];

export interface ParsedManifest {
  mediaType: string;
  refs: ManifestReferences;
  subject?: Digest;
  artifactType?: string;
  annotations?: Record<string, string>;
}

const invalid = (message: string, detail?: unknown) => registryError('MANIFEST_INVALID', message, detail ?? null);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function descriptor(
  v: unknown,
  where: string,
): { mediaType: string; digest: Digest; urls?: unknown; artifactType?: string } {
  if (!isObject(v)) throw invalid(`${where}: descriptor must be an object`);
  if (typeof v.mediaType !== 'string' || v.mediaType === '') throw invalid(`${where}: descriptor has no mediaType`);
  if (typeof v.digest !== 'string' || !isDigest(v.digest))
    throw invalid(`${where}: descriptor digest is invalid`, { digest: v.digest ?? null });
  if (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0)
    throw invalid(`${where}: descriptor size is invalid`);
  return v as { mediaType: string; digest: Digest; urls?: unknown };
}

/** Strips parameters: `application/json; charset=utf-8` -> `application/json`. */
const bareType = (contentType: string | undefined): string | undefined =>
  contentType?.split(';')[0]?.trim().toLowerCase() || undefined;

export function parseManifest(bytes: Buffer, contentType: string | undefined): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid('manifest invalid: not JSON');
  }
  if (!isObject(doc)) throw invalid('manifest invalid: not a JSON object');
  if (doc.schemaVersion === 1) throw invalid('schema 1 manifests are not supported');
  if (doc.schemaVersion !== 2) throw invalid('manifest invalid: schemaVersion must be 2');
  const header = bareType(contentType);
  const field = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  if (
    field !== undefined &&
    header !== undefined &&
    header !== field &&
    header !== 'application/json' &&
    header !== 'application/octet-stream'
  ) {
    throw invalid('manifest invalid: mediaType does not match Content-Type', { mediaType: field, contentType: header });
  }
  const mediaType =
    field ??
    (header && MANIFEST_MEDIA_TYPES.includes(header)
      ? header
      : 'manifests' in doc
        ? MEDIA_TYPES.ociIndex
        : MEDIA_TYPES.ociManifest);
  const parsed: ParsedManifest = { mediaType, refs: { blobs: [], manifests: [] } };

  if (IMAGE_TYPES.has(mediaType)) {
    const config = descriptor(doc.config, 'config');
    if (!Array.isArray(doc.layers)) throw invalid('manifest invalid: layers must be an array');
    parsed.refs.blobs.push(config.digest);
    doc.layers.forEach((l: unknown, i: number) => {
      const layer = descriptor(l, `layers[${i}]`);
      // Foreign (non-distributable) layers live elsewhere, named by their urls.
      if (!Array.isArray(layer.urls) || layer.urls.length === 0) parsed.refs.blobs.push(layer.digest);
    });
    parsed.artifactType = typeof doc.artifactType === 'string' ? doc.artifactType : config.mediaType;
  } else if (INDEX_TYPES.has(mediaType)) {
    if (!Array.isArray(doc.manifests)) throw invalid('manifest invalid: manifests must be an array');
    doc.manifests.forEach((m: unknown, i: number) =>
      parsed.refs.manifests.push(descriptor(m, `manifests[${i}]`).digest),
    );
    if (typeof doc.artifactType === 'string') parsed.artifactType = doc.artifactType;
  } else {
    throw invalid(`unsupported manifest media type ${mediaType}`, { mediaType });
  }
  if (doc.subject !== undefined) parsed.subject = descriptor(doc.subject, 'subject').digest;
  if (isObject(doc.annotations)) parsed.annotations = doc.annotations as Record<string, string>;
  parsed.refs.blobs = [...new Set(parsed.refs.blobs)];
  parsed.refs.manifests = [...new Set(parsed.refs.manifests)];
  return parsed;
}
