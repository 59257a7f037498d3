// ADD <http(s) URL>: the file is fetched by the daemon, as dockerd's builders and BuildKit's http source do. It is
// named after the URL's last path segment (`__unnamed__` when there is none: the Dockerfile frontend's name), mode
// 0600, its mtime the Last-Modified header's; never unpacked. With --checksum the content must have that digest
// (BuildKit's `digest mismatch <got>: <wanted>`).
import { createWriteStream } from 'node:fs';
import { mkdir, utimes } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestingStream } from '../lib/digest.js';
import { BuildError } from './ports.js';

export interface FetchedUrl {
  url: string;
  /** Host path of the downloaded file. */
  hostPath: string;
  /** The file's name in the image when ADD's destination is a directory. */
  name: string;
  /** sha256:<hex> of the content. */
  digest: string;
  lastModified: string | undefined;
}

export const isUrlSource = (source: string): boolean => /^https?:\/\//.test(source);

/** The Dockerfile frontend's file name for a URL: its path's last segment. */
export function urlFileName(url: string): string {
  try {
    const base = posix.basename(new URL(url).pathname);
    return base && base !== '.' && base !== '/' ? decodeURIComponent(base) : '__unnamed__';
  } catch {
    return '__unnamed__';
  }
}

export async function fetchUrl(
  url: string,
  dir: string,
  options: { checksum?: string; signal?: AbortSignal },
): Promise<FetchedUrl> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow', ...(options.signal ? { signal: options.signal } : {}) });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw new BuildError(`failed to fetch ${url}: ${cause}`, 1);
  }
  if (res.status < 200 || res.status >= 400 || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw new BuildError(`invalid response status ${res.status}`, 1);
  }
  await mkdir(dir, { recursive: true });
  const name = urlFileName(url);
  const hostPath = join(dir, name);
  const hashing = new DigestingStream();
  await pipeline(
    Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>),
    hashing,
    createWriteStream(hostPath, { mode: 0o600 }),
    ...(options.signal ? [{ signal: options.signal }] : []),
  );
  const digest = hashing.digest();
  if (options.checksum !== undefined && options.checksum !== digest)
    throw new BuildError(`digest mismatch ${digest}: ${options.checksum}`, 1);
  const lastModified = res.headers.get('last-modified') ?? undefined;
  const mtime = lastModified ? new Date(lastModified) : undefined;
  if (mtime && !Number.isNaN(mtime.getTime())) await utimes(hostPath, mtime, mtime);
  return { url, hostPath, name, digest, lastModified };
}
