// The registry client driver against Debian's docker-registry on loopback: chunked uploads, cross-repository
// mounts, tag lists, downloads from an offset; and the bearer-token flow (anonymous and with
// credentials) through a small token server and gate in front of the registry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { HttpRegistryClient } from '../../src/drivers/registry-client/index.js';
import { sha256, type Digest } from '../../src/lib/digest.js';
import { hasDockerRegistry, startRegistry, type TestRegistry } from '../helpers/docker-registry.js';

const skip = !hasDockerRegistry() && 'needs docker-registry (scripts/setup.sh)';
let registry: TestRegistry;

before(async () => {
  if (!skip) registry = await startRegistry();
});
after(async () => {
  await registry?.stop();
});

const readAll = async (stream: Readable): Promise<Buffer> => {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
};

test('chunked upload, mount across repositories, tag list, download from an offset', { skip }, async () => {
  const client = new HttpRegistryClient({ monolithicMax: 1000, chunkSize: 4096 });
  const repo = client.repository(registry.host, 'driver/one', undefined, ['pull', 'push']);
  const data = randomBytes(10_000);
  const digest = sha256(data);
  const progress: number[] = [];
  await repo.pushBlob({ digest, size: data.length }, () => Readable.from([data]), {
    onProgress: (n) => progress.push(n),
  });
  assert.deepEqual(progress, [4096, 8192, 10_000]);
  assert.equal(await repo.hasBlob(digest), true);
  assert.deepEqual(await readAll(repo.openBlob({ digest, size: data.length })), data);
  assert.deepEqual(await readAll(repo.openBlob({ digest, size: data.length }, { offset: 9000 })), data.subarray(9000));

  const other = client.repository(registry.host, 'driver/two', undefined, ['pull', 'push']);
  assert.equal(await other.hasBlob(digest), false);
  assert.equal(await other.mountBlob(digest, 'driver/one'), true);
  assert.equal(await other.hasBlob(digest), true);
  const missing = sha256('nothing');
  assert.equal(await other.mountBlob(missing, 'driver/one'), false);

  const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
  await repo.pushBlob({ digest: sha256(config), size: config.length }, () => Readable.from([config]));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [],
    }),
  );
  for (const tag of ['a', 'b', 'c'])
    assert.equal(await repo.putManifest(tag, 'application/vnd.oci.image.manifest.v1+json', manifest), sha256(manifest));
  assert.deepEqual((await repo.listTags()).sort(), ['a', 'b', 'c']);
  const fetched = await repo.getManifest('b');
  assert.equal(fetched.digest, sha256(manifest));
  assert.equal(fetched.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  await assert.rejects(
    repo.getManifest('zzz'),
    (err: { kind?: string; message?: string }) => err.kind === 'NotFound' && /manifest unknown/.test(err.message ?? ''),
  );
  await assert.rejects(repo.getManifest(sha256('x')), (err: { kind?: string }) => err.kind === 'NotFound');
});

/** A token server and a gate demanding its tokens, in front of the registry. */
async function startTokenGate(
  upstream: string,
  users: Record<string, string>,
): Promise<{ host: string; tokenRequests: { auth?: string; scope: string[] }[]; close(): Promise<void> }> {
  const tokens = new Map<string, string>();
  const tokenRequests: { auth?: string; scope: string[] }[] = [];
  let host = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (url.pathname === '/token') {
      const auth = req.headers.authorization;
      tokenRequests.push({ auth, scope: url.searchParams.getAll('scope') });
      let who = 'anonymous';
      if (auth) {
        const [user, pass] = Buffer.from(auth.replace(/^Basic /, ''), 'base64')
          .toString()
          .split(':');
        if (users[user ?? ''] !== pass) {
          res
            .writeHead(401, { 'Content-Type': 'application/json' })
            .end('{"errors":[{"code":"UNAUTHORIZED","message":"incorrect username or password"}]}');
          return;
        }
        who = user as string;
      }
      const token = randomBytes(8).toString('hex');
      tokens.set(token, who);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    const bearer = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const who = tokens.get(bearer);
    const push = req.method !== 'GET' && req.method !== 'HEAD';
    if (!who || (push && who === 'anonymous')) {
      const repo = /^\/v2\/(.+?)\/(blobs|manifests|tags)\//.exec(url.pathname)?.[1];
      const scope = repo ? `,scope="repository:${repo}:${push ? 'pull,push' : 'pull'}"` : '';
      res.writeHead(401, {
        'WWW-Authenticate': `Bearer realm="http://${host}/token",service="gate"${scope}`,
        'Content-Type': 'application/json',
      });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    const [upHost, upPort] = upstream.split(':');
    const forward = http.request(
      {
        host: upHost,
        port: Number(upPort),
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream, authorization: '' },
      },
      (up) => {
        const headers = { ...up.headers };
        if (headers.location)
          headers.location = String(headers.location).replace(`http://${upstream}`, `http://${host}`);
        res.writeHead(up.statusCode ?? 502, headers);
        up.pipe(res);
      },
    );
    req.pipe(forward);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    host,
    tokenRequests,
    async close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

test('bearer tokens: anonymous pull, credentialed push, wrong password refused, tokens reused', { skip }, async () => {
  const gate = await startTokenGate(registry.host, { bob: 'pw' });
  try {
    const client = new HttpRegistryClient();
    const data = Buffer.from('token-protected blob');
    const digest = sha256(data) as Digest;
    const writer = client.repository(gate.host, 'gated/app', { username: 'bob', password: 'pw' }, ['pull', 'push']);
    await writer.pushBlob({ digest, size: data.length }, () => Readable.from([data]));
    assert.ok(
      gate.tokenRequests.some(
        (r) => r.auth?.startsWith('Basic ') && r.scope.includes('repository:gated/app:pull,push'),
      ),
      JSON.stringify(gate.tokenRequests),
    );

    const anonymous = client.repository(gate.host, 'gated/app', undefined, ['pull']);
    assert.deepEqual(await readAll(anonymous.openBlob({ digest, size: data.length })), data);
    const before = gate.tokenRequests.length;
    assert.equal(await client.repository(gate.host, 'gated/app', undefined, ['pull']).hasBlob(digest), true);
    assert.equal(gate.tokenRequests.length, before, 'a cached token is reused');

    await assert.rejects(
      anonymous.pushBlob({ digest, size: data.length }, () => Readable.from([data])),
      (err: { kind?: string }) => err.kind === 'Unauthorized' || err.kind === 'Unavailable',
    );
    await assert.rejects(
      client.login(gate.host, { username: 'bob', password: 'nope' }),
      (err: { kind?: string; message?: string }) =>
        err.kind === 'Unauthorized' && /incorrect username or password/.test(err.message ?? ''),
    );
    assert.deepEqual(await client.login(gate.host, { username: 'bob', password: 'pw' }), {});
  } finally {
    await gate.close();
  }
});
