// A blob download that survives a dropped connection: each time the body breaks off (or ends short), it
// asks again with `Range: bytes=N-` and carries on from byte N; a server that ignores Range (200) has its
// first N bytes skipped. Gives up after a few attempts in a row that brought no new bytes.
import { Readable } from 'node:stream';
import { unavailable } from '../../core/errdefs.js';
import type { BlobRef } from '../../core/remotes/registry-client.js';
import { backoff, describe, DEFAULT_RETRY, type RegistryHttp, type RetryPolicy } from './registry-http.js';
import { registryError } from './registry-errors.js';

export function resumableBlob(
  http: RegistryHttp,
  path: string,
  blob: BlobRef,
  options: { offset?: number; signal?: AbortSignal },
  retry: RetryPolicy = DEFAULT_RETRY,
): Readable {
  const url = `/v2/${path}/blobs/${blob.digest}`;
  async function* chunks(): AsyncGenerator<Buffer> {
    let position = options.offset ?? 0;
    let stalls = 0;
    while (position < blob.size || (blob.size === 0 && position === 0)) {
      let progressed = false;
      try {
        const res = await http.send('GET', url, {
          headers: position > 0 ? { Range: `bytes=${position}-` } : {},
          signal: options.signal,
        });
        if (res.status !== 200 && res.status !== 206)
          throw registryError(res.status, await res.text(), `GET ${blob.digest}`);
        let skip = position > 0 && res.status === 200 ? position : 0;
        if (!res.body) return;
        for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
          let chunk = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
          if (skip > 0) {
            const drop = Math.min(skip, chunk.length);
            skip -= drop;
            chunk = chunk.subarray(drop);
            if (chunk.length === 0) continue;
          }
          position += chunk.length;
          progressed = true;
          stalls = 0;
          yield chunk;
        }
        if (blob.size === 0 || position >= blob.size) return;
        throw new Error(`connection closed after ${position} of ${blob.size} bytes`);
      } catch (err) {
        options.signal?.throwIfAborted();
        if ((err as { kind?: string }).kind && (err as { kind?: string }).kind !== 'Unavailable') throw err;
        if (!progressed) stalls++;
        if (stalls >= retry.attempts) throw unavailable(`downloading ${blob.digest}: ${describe(err)}`, err);
        await backoff(Math.max(0, stalls - 1), retry, options.signal);
      }
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
