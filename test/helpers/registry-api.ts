// Just enough of the distribution API to build test images straight in a registry (indexes, zstd
// layers), and a loopback proxy that misbehaves on blob downloads (drops or corrupts) for resume tests.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { once } from 'node:events';

export const digestOf = (data: Buffer | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export async function uploadBlob(host: string, repo: string, data: Buffer): Promise<{ digest: string; size: number }> {
  const digest = digestOf(data);
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  await start.body?.cancel();
  if (start.status !== 202) throw new Error(`upload start: ${start.status}`);
  const location = new URL(start.headers.get('location') as string, `http://${host}`);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    body: data,
    headers: { 'Content-Type': 'application/octet-stream' },
  });
  await put.body?.cancel();
  if (put.status !== 201) throw new Error(`upload: ${put.status}`);
  return { digest, size: data.length };
}

export async function putManifest(
  host: string,
  repo: string,
  reference: string,
  mediaType: string,
  body: object,
): Promise<{ digest: string; size: number }> {
  const bytes = Buffer.from(JSON.stringify(body));
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    body: bytes,
    headers: { 'Content-Type': mediaType },
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`put manifest: ${res.status} ${text}`);
  return { digest: digestOf(bytes), size: bytes.length };
}

export async function getManifest(
  host: string,
  repo: string,
  reference: string,
): Promise<{
  mediaType: string;
  bytes: Buffer;
  json: {
    config: { digest: string; size: number; mediaType: string };
    layers: { digest: string; size: number; mediaType: string }[];
  };
}> {
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${reference}`, {
    headers: {
      Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
    },
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { mediaType: res.headers.get('content-type') ?? '', bytes, json: JSON.parse(bytes.toString('utf8')) as never };
}

export async function getBlob(host: string, repo: string, digest: string): Promise<Buffer> {
  const res = await fetch(`http://${host}/v2/${repo}/blobs/${digest}`);
  return Buffer.from(await res.arrayBuffer());
}

export interface MisbehavingProxy {
  host: string;
  /** Requests seen: method, path and Range header. */
  seen: { method: string; path: string; range?: string }[];
  close(): Promise<void>;
}

/**
 * Forwards to `upstream`. For GETs of the blob `target`: mode "drop" cuts the first response off after half
 * its body (the connection is destroyed); mode "corrupt" flips one byte of every response.
 */
export async function startProxy(
  upstream: string,
  target: string,
  mode: 'drop' | 'corrupt',
): Promise<MisbehavingProxy> {
  const seen: MisbehavingProxy['seen'] = [];
  let dropped = false;
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', range: req.headers.range });
    const [upHost, upPort] = upstream.split(':');
    const forward = http.request(
      {
        host: upHost,
        port: Number(upPort),
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream },
      },
      (up) => {
        const isTarget = req.method === 'GET' && (req.url ?? '').endsWith(`/blobs/${target}`);
        const headers = { ...up.headers };
        if (headers.location) headers.location = String(headers.location).replace(`http://${upstream}`, '');
        if (!isTarget || (mode === 'drop' && dropped)) {
          res.writeHead(up.statusCode ?? 502, headers);
          up.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat(chunks);
          res.writeHead(up.statusCode ?? 502, headers);
          if (mode === 'corrupt') {
            const i = Math.floor(body.length / 2);
            body[i] = (body[i] as number) ^ 0xff;
            res.end(body);
            return;
          }
          dropped = true;
          res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
        });
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    host: `127.0.0.1:${port}`,
    seen,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}
