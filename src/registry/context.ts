// What every endpoint handler works with: the content store (bytes), the index (names), the upload staging
// files, and per-key locks (one digest's commit and GC's delete of it never interleave).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ContentStore } from '../core/content/content-store.js';
import type { RegistryIndex } from '../core/registry-server/registry-index.js';
import type { KeyedMutex } from '../lib/keyed-mutex.js';
import type { Logger } from '../lib/logger.js';
import type { UploadFiles } from './upload-files.js';

export interface RegistryContext {
  content: ContentStore;
  index: RegistryIndex;
  uploads: UploadFiles;
  locks: KeyedMutex;
  logger: Logger;
  /** Largest manifest accepted, in bytes. */
  maxManifestBytes: number;
}

export type Handler<R> = (ctx: RegistryContext, route: R, req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export const digestLock = (digest: string): string => `digest:${digest}`;
export const uploadLock = (id: string): string => `upload:${id}`;

/** The request body as a stream, or undefined when the request has none. */
export function bodyStream(req: FastifyRequest): NodeJS.ReadableStream | undefined {
  const body = req.body as NodeJS.ReadableStream | undefined;
  return body && typeof (body as { pipe?: unknown }).pipe === 'function' ? body : undefined;
}

export const queryOf = (req: FastifyRequest): Record<string, string | undefined> => {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, string | string[]>))
    out[k] = Array.isArray(v) ? v[0] : v;
  return out;
};
