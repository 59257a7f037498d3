// berth's registry over HTTP against the distribution spec v1.1: every endpoint, the error codes, and that
// bad input stores nothing. In-process server on a real loopback port; no root needed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import {
  blobOf,
  errorCode,
  imageManifest,
  OCI_INDEX,
  OCI_MANIFEST,
  pushBlob,
  pushImage,
  pushManifest,
  randomBlob,
  startInProcessRegistry,
  type TestRegistry,
} from '../helpers/registry.js';

let reg: TestRegistry;
let url: string;
before(async () => {
  reg = await startInProcessRegistry({ maxManifestBytes: 64 * 1024 });
  url = reg.url;
});
after(() => reg.close());

const blobFile = (digest: string) => join(reg.root, 'content', 'blobs', 'sha256', digest.slice(7));

test('GET /v2/ answers 200 with the API version header', async () => {
  const res = await fetch(`${url}/v2/`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('docker-distribution-api-version'), 'registry/2.0');
});

test('monolithic upload, HEAD and GET with Range', async () => {
  const blob = randomBlob(5000);
  const res = await pushBlob(url, 'proto/mono', blob);
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('location'), `/v2/proto/mono/blobs/${blob.digest}`);
  assert.equal(res.headers.get('docker-content-digest'), blob.digest);
  const head = await fetch(`${url}/v2/proto/mono/blobs/${blob.digest}`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '5000');
  assert.equal(head.headers.get('docker-content-digest'), blob.digest);
  const get = await fetch(`${url}/v2/proto/mono/blobs/${blob.digest}`);
  assert.deepEqual(Buffer.from(await get.arrayBuffer()), blob.bytes);
  const part = await fetch(`${url}/v2/proto/mono/blobs/${blob.digest}`, { headers: { range: 'bytes=100-199' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), 'bytes 100-199/5000');
  assert.deepEqual(Buffer.from(await part.arrayBuffer()), blob.bytes.subarray(100, 200));
  const tail = await fetch(`${url}/v2/proto/mono/blobs/${blob.digest}`, { headers: { range: 'bytes=4990-' } });
  assert.deepEqual(Buffer.from(await tail.arrayBuffer()), blob.bytes.subarray(4990));
  const bad = await fetch(`${url}/v2/proto/mono/blobs/${blob.digest}`, { headers: { range: 'bytes=6000-7000' } });
  assert.equal(bad.status, 416);
  // Blobs are per repository.
  const other = await fetch(`${url}/v2/proto/other/blobs/${blob.digest}`);
  assert.equal(other.status, 404);
  assert.equal(await errorCode(other), 'BLOB_UNKNOWN');
});

test('chunked upload: PATCH in order, 416 out of order, status, PUT with digest', async () => {
  const blob = randomBlob(3000);
  const start = await fetch(`${url}/v2/proto/chunked/blobs/uploads/`, { method: 'POST' });
  assert.equal(start.status, 202);
  const loc = start.headers.get('location') as string;
  assert.match(loc, /^\/v2\/proto\/chunked\/blobs\/uploads\/[0-9a-f-]{36}$/);
  const p1 = await fetch(`${url}${loc}`, {
    method: 'PATCH',
    body: blob.bytes.subarray(0, 1000),
    headers: { 'content-type': 'application/octet-stream', 'content-range': '0-999' },
  });
  assert.equal(p1.status, 202);
  assert.equal(p1.headers.get('range'), '0-999');
  const wrong = await fetch(`${url}${loc}`, {
    method: 'PATCH',
    body: blob.bytes.subarray(2000),
    headers: { 'content-type': 'application/octet-stream', 'content-range': '2000-2999' },
  });
  assert.equal(wrong.status, 416);
  assert.equal(await errorCode(wrong), 'BLOB_UPLOAD_INVALID');
  const status = await fetch(`${url}${loc}`);
  assert.equal(status.status, 204);
  assert.equal(status.headers.get('range'), '0-999');
  // A chunk without Content-Range (docker's streamed PATCH) appends.
  const p2 = await fetch(`${url}${loc}`, { method: 'PATCH', body: blob.bytes.subarray(1000, 2000) });
  assert.equal(p2.headers.get('range'), '0-1999');
  const done = await fetch(`${url}${loc}?digest=${blob.digest}`, {
    method: 'PUT',
    body: blob.bytes.subarray(2000),
    headers: { 'content-type': 'application/octet-stream', 'content-range': '2000-2999' },
  });
  assert.equal(done.status, 201);
  assert.equal(done.headers.get('docker-content-digest'), blob.digest);
  const get = await fetch(`${url}/v2/proto/chunked/blobs/${blob.digest}`);
  assert.deepEqual(Buffer.from(await get.arrayBuffer()), blob.bytes);
  const gone = await fetch(`${url}${loc}`);
  assert.equal(await errorCode(gone), 'BLOB_UPLOAD_UNKNOWN');
});

test('a chunk refused halfway is cut off, and the upload finishes with the right digest after it', async () => {
  // The registry hashes chunks as they arrive; a chunk it refused after writing part of it must not count.
  const blob = randomBlob(4000);
  const start = await fetch(`${url}/v2/proto/resumed/blobs/uploads/`, { method: 'POST' });
  const loc = start.headers.get('location') as string;
  await fetch(`${url}${loc}`, { method: 'PATCH', body: blob.bytes.subarray(0, 1000) });
  const short = await fetch(`${url}${loc}`, {
    method: 'PATCH',
    body: blob.bytes.subarray(1000, 1500),
    headers: { 'content-type': 'application/octet-stream', 'content-range': '1000-1999' },
  });
  assert.equal(short.status, 400);
  assert.equal(await errorCode(short), 'SIZE_INVALID');
  assert.equal((await fetch(`${url}${loc}`)).headers.get('range'), '0-999');
  await fetch(`${url}${loc}`, { method: 'PATCH', body: blob.bytes.subarray(1000) });
  const done = await fetch(`${url}${loc}?digest=${blob.digest}`, { method: 'PUT' });
  assert.equal(done.status, 201);
  const get = await fetch(`${url}/v2/proto/resumed/blobs/${blob.digest}`);
  assert.deepEqual(Buffer.from(await get.arrayBuffer()), blob.bytes);
});

test('a digest mismatch is DIGEST_INVALID and stores nothing', async () => {
  const blob = randomBlob(100);
  const liar = blobOf('something else');
  const res = await fetch(`${url}/v2/proto/bad/blobs/uploads/?digest=${liar.digest}`, {
    method: 'POST',
    body: blob.bytes,
    headers: { 'content-type': 'application/octet-stream' },
  });
  assert.equal(res.status, 400);
  assert.equal(await errorCode(res), 'DIGEST_INVALID');
  const start = await fetch(`${url}/v2/proto/bad/blobs/uploads/`, { method: 'POST' });
  const loc = start.headers.get('location') as string;
  await fetch(`${url}${loc}`, { method: 'PATCH', body: blob.bytes });
  const put = await fetch(`${url}${loc}?digest=${liar.digest}`, { method: 'PUT' });
  assert.equal(put.status, 400);
  assert.equal(await errorCode(put), 'DIGEST_INVALID');
  for (const d of [blob.digest, liar.digest]) {
    assert.equal((await fetch(`${url}/v2/proto/bad/blobs/${d}`, { method: 'HEAD' })).status, 404);
    assert.equal(existsSync(blobFile(d)), false);
  }
  assert.deepEqual(readdirSync(join(reg.root, 'content', 'ingest')), []);
  const malformed = await fetch(`${url}/v2/proto/bad/blobs/uploads/?digest=sha256:xyz`, { method: 'POST', body: 'x' });
  assert.equal(await errorCode(malformed), 'DIGEST_INVALID');
});

test('manifests by tag and digest; missing blobs, malformed and oversized manifests are refused and store nothing', async () => {
  const { manifest } = await pushImage(url, 'proto/img', 'v1');
  for (const ref of ['v1', manifest.digest]) {
    const res = await fetch(`${url}/v2/proto/img/manifests/${ref}`, { headers: { accept: OCI_MANIFEST } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), OCI_MANIFEST);
    assert.equal(res.headers.get('docker-content-digest'), manifest.digest);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), manifest.bytes);
  }
  const head = await fetch(`${url}/v2/proto/img/manifests/v1`, { method: 'HEAD' });
  assert.equal(head.headers.get('content-length'), String(manifest.bytes.length));

  const config = randomBlob(10);
  await pushBlob(url, 'proto/img', config);
  const missingLayer = randomBlob(10);
  const dangling = imageManifest(config, [missingLayer]);
  const res = await pushManifest(url, 'proto/img', 'dangling', dangling);
  assert.equal(res.status, 400);
  const body = (await res.json()) as { errors: { code: string; detail: { digest: string } }[] };
  assert.equal(body.errors[0]?.code, 'MANIFEST_BLOB_UNKNOWN');
  assert.equal(body.errors[0]?.detail.digest, missingLayer.digest);
  assert.equal(await errorCode(await fetch(`${url}/v2/proto/img/manifests/dangling`)), 'MANIFEST_UNKNOWN');
  assert.equal(existsSync(blobFile(blobOf(dangling).digest)), false);

  for (const bad of [
    '{not json',
    '{"schemaVersion":1,"name":"x","tag":"y","fsLayers":[]}',
    '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"nope"},"layers":[]}',
  ]) {
    const r = await pushManifest(url, 'proto/img', 'bad', Buffer.from(bad));
    assert.equal(r.status, 400, bad);
    assert.equal(await errorCode(r), 'MANIFEST_INVALID');
  }
  const mismatch = await pushManifest(
    url,
    'proto/img',
    'bad',
    manifest.bytes,
    'application/vnd.docker.distribution.manifest.v2+json',
  );
  assert.equal(await errorCode(mismatch), 'MANIFEST_INVALID');
  const huge = await pushManifest(
    url,
    'proto/img',
    'huge',
    Buffer.from(JSON.stringify({ schemaVersion: 2, pad: 'x'.repeat(70 * 1024) })),
  );
  assert.equal(huge.status, 413);
  const wrongDigest = await pushManifest(url, 'proto/img', blobOf('x').digest, manifest.bytes);
  assert.equal(await errorCode(wrongDigest), 'DIGEST_INVALID');
  const tags = (await (await fetch(`${url}/v2/proto/img/tags/list`)).json()) as { tags: string[] };
  assert.deepEqual(tags.tags, ['v1']);
  assert.equal(await errorCode(await fetch(`${url}/v2/proto/img/manifests/nope`)), 'MANIFEST_UNKNOWN');
  assert.equal(await errorCode(await fetch(`${url}/v2/proto/nothing/manifests/v1`)), 'MANIFEST_UNKNOWN');
});

test('an index needs its manifests in the repository; subject and referrers with artifactType filter', async () => {
  const a = await pushImage(url, 'proto/multi', 'a');
  const missing = blobOf('{"schemaVersion":2}');
  const idx = (ms: { digest: string; size: number }[]) =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: ms.map((m) => ({ mediaType: OCI_MANIFEST, ...m, platform: { architecture: 'amd64', os: 'linux' } })),
      }),
    );
  const bad = await pushManifest(url, 'proto/multi', 'idx', idx([{ digest: missing.digest, size: 19 }]), OCI_INDEX);
  assert.equal(await errorCode(bad), 'MANIFEST_BLOB_UNKNOWN');
  const good = await pushManifest(
    url,
    'proto/multi',
    'idx',
    idx([{ digest: a.manifest.digest, size: a.manifest.bytes.length }]),
    OCI_INDEX,
  );
  assert.equal(good.status, 201);

  const emptyConfig = blobOf('{}');
  await pushBlob(url, 'proto/multi', emptyConfig);
  const subject = { mediaType: OCI_MANIFEST, digest: a.manifest.digest, size: a.manifest.bytes.length };
  const sig = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.sig',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: emptyConfig.digest, size: 2 },
      layers: [],
      subject,
      annotations: { who: 'me' },
    }),
  );
  const sbom = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.sbom',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: emptyConfig.digest, size: 2 },
      layers: [],
      subject,
    }),
  );
  const put = await pushManifest(url, 'proto/multi', blobOf(sig).digest, sig);
  assert.equal(put.status, 201);
  assert.equal(put.headers.get('oci-subject'), a.manifest.digest);
  await pushManifest(url, 'proto/multi', blobOf(sbom).digest, sbom);
  // A subject that is not (yet) in the registry is accepted.
  const orphan = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'x/y',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: emptyConfig.digest, size: 2 },
      layers: [],
      subject: { ...subject, digest: missing.digest },
    }),
  );
  assert.equal((await pushManifest(url, 'proto/multi', blobOf(orphan).digest, orphan)).status, 201);

  const all = await fetch(`${url}/v2/proto/multi/referrers/${a.manifest.digest}`);
  assert.equal(all.status, 200);
  assert.equal(all.headers.get('content-type'), OCI_INDEX);
  const list = (await all.json()) as {
    manifests: { digest: string; artifactType: string; annotations?: Record<string, string> }[];
  };
  assert.deepEqual(list.manifests.map((m) => m.digest).sort(), [blobOf(sig).digest, blobOf(sbom).digest].sort());
  assert.deepEqual(list.manifests.find((m) => m.artifactType === 'application/vnd.example.sig')?.annotations, {
    who: 'me',
  });
  const filtered = await fetch(
    `${url}/v2/proto/multi/referrers/${a.manifest.digest}?artifactType=application/vnd.example.sbom`,
  );
  assert.equal(filtered.headers.get('oci-filters-applied'), 'artifactType');
  assert.deepEqual(
    ((await filtered.json()) as { manifests: { digest: string }[] }).manifests.map((m) => m.digest),
    [blobOf(sbom).digest],
  );
  const none = (await (await fetch(`${url}/v2/proto/multi/referrers/${missing.digest.replace(/.$/, '0')}`)).json()) as {
    manifests: unknown[];
  };
  assert.deepEqual(none.manifests, []);
  assert.equal((await fetch(`${url}/v2/proto/multi/referrers/sha256:bad`)).status, 400);
});

test('tag list and catalog paginate with n, last and Link', async () => {
  const { manifest } = await pushImage(url, 'proto/tags', 't0');
  for (const t of ['b', 'a', 'c', 'C', 'd'])
    assert.equal((await pushManifest(url, 'proto/tags', t, manifest.bytes)).status, 201);
  const all = (await (await fetch(`${url}/v2/proto/tags/tags/list`)).json()) as { name: string; tags: string[] };
  assert.deepEqual(all, { name: 'proto/tags', tags: ['C', 'a', 'b', 'c', 'd', 't0'] });
  const p1 = await fetch(`${url}/v2/proto/tags/tags/list?n=2`);
  assert.deepEqual(((await p1.json()) as { tags: string[] }).tags, ['C', 'a']);
  assert.equal(p1.headers.get('link'), '</v2/proto/tags/tags/list?n=2&last=a>; rel="next"');
  const p2 = await fetch(`${url}/v2/proto/tags/tags/list?n=2&last=a`);
  assert.deepEqual(((await p2.json()) as { tags: string[] }).tags, ['b', 'c']);
  const p3 = await fetch(`${url}/v2/proto/tags/tags/list?n=2&last=d`);
  assert.deepEqual(((await p3.json()) as { tags: string[] }).tags, ['t0']);
  assert.equal(p3.headers.get('link'), null);
  const zero = await fetch(`${url}/v2/proto/tags/tags/list?n=0`);
  assert.deepEqual(((await zero.json()) as { tags: string[] }).tags, []);
  assert.equal(zero.headers.get('link'), null);
  assert.equal(await errorCode(await fetch(`${url}/v2/proto/none/tags/list`)), 'NAME_UNKNOWN');

  const cat = await fetch(`${url}/v2/_catalog?n=1`);
  const first = ((await cat.json()) as { repositories: string[] }).repositories;
  assert.equal(first.length, 1);
  assert.match(cat.headers.get('link') ?? '', /^<\/v2\/_catalog\?n=1&last=.+>; rel="next"$/);
  const full = ((await (await fetch(`${url}/v2/_catalog`)).json()) as { repositories: string[] }).repositories;
  assert.ok(full.includes('proto/tags'));
  assert.deepEqual([...full].sort(), full);
});

test('cross-repository mount: 201 when the source has the blob, else a new upload session', async () => {
  const blob = randomBlob(300);
  await pushBlob(url, 'proto/src', blob);
  const mount = await fetch(`${url}/v2/proto/dst/blobs/uploads/?mount=${blob.digest}&from=proto/src`, {
    method: 'POST',
  });
  assert.equal(mount.status, 201);
  assert.equal(mount.headers.get('location'), `/v2/proto/dst/blobs/${blob.digest}`);
  assert.equal((await fetch(`${url}/v2/proto/dst/blobs/${blob.digest}`, { method: 'HEAD' })).status, 200);
  const fallback = await fetch(`${url}/v2/proto/dst2/blobs/uploads/?mount=${blob.digest}&from=proto/nowhere`, {
    method: 'POST',
  });
  assert.equal(fallback.status, 202);
  assert.match(fallback.headers.get('location') ?? '', /\/blobs\/uploads\//);
});

test('deleting a tag keeps the manifest under its digest and other tags; deleting the digest removes it', async () => {
  const { manifest, blobs } = await pushImage(url, 'proto/del', 'one');
  await pushManifest(url, 'proto/del', 'two', manifest.bytes);
  const del = await fetch(`${url}/v2/proto/del/manifests/one`, { method: 'DELETE' });
  assert.equal(del.status, 202);
  assert.equal((await fetch(`${url}/v2/proto/del/manifests/one`)).status, 404);
  assert.equal((await fetch(`${url}/v2/proto/del/manifests/two`)).status, 200);
  assert.equal((await fetch(`${url}/v2/proto/del/manifests/${manifest.digest}`)).status, 200);
  assert.equal(
    await errorCode(await fetch(`${url}/v2/proto/del/manifests/one`, { method: 'DELETE' })),
    'MANIFEST_UNKNOWN',
  );
  assert.equal((await fetch(`${url}/v2/proto/del/manifests/${manifest.digest}`, { method: 'DELETE' })).status, 202);
  assert.equal((await fetch(`${url}/v2/proto/del/manifests/two`)).status, 404);
  assert.equal((await fetch(`${url}/v2/proto/del/blobs/${blobs[1]?.digest}`, { method: 'DELETE' })).status, 202);
  assert.equal((await fetch(`${url}/v2/proto/del/blobs/${blobs[1]?.digest}`, { method: 'HEAD' })).status, 404);
});

test('invalid names, unknown endpoints and methods', async () => {
  assert.equal(await errorCode(await fetch(`${url}/v2/Bad/Name/tags/list`)), 'NAME_INVALID');
  assert.equal(await errorCode(await fetch(`${url}/v2/a//b/tags/list`)), 'NAME_INVALID');
  assert.equal((await fetch(`${url}/v2/x/tags/list`, { method: 'PUT' })).status, 405);
  assert.equal((await fetch(`${url}/v2/x/whatever`)).status, 404);
});

test('a big blob GET reaches a client that stops reading for a while, then a second GET on the same connection', async () => {
  // The body goes out with sendfile while the client reads; a client that stalls gets the rest streamed.
  const blob = randomBlob(24 * 1024 * 1024);
  assert.equal((await pushBlob(url, 'proto/big', blob)).status, 201);
  const { host, port } = new URL(url);
  const socket = connect(Number(port), host.split(':')[0] as string);
  await once(socket, 'connect');
  const request = `GET /v2/proto/big/blobs/${blob.digest} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
  socket.write(request + request);
  socket.pause();
  await new Promise((resolve) => setTimeout(resolve, 400)); // longer than one poll for room in the socket
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.resume();
  const headEnd = (buf: Buffer, from: number): number => buf.indexOf('\r\n\r\n', from) + 4;
  for (;;) {
    const all = Buffer.concat(chunks);
    const first = headEnd(all, 0);
    const second = first >= 4 ? headEnd(all, first + blob.bytes.length) : -1;
    if (second >= 4 && all.length >= second + blob.bytes.length) {
      for (const start of [first, second]) {
        assert.match(all.subarray(0, first).toString(), /^HTTP\/1\.1 200 /);
        assert.ok(all.subarray(start, start + blob.bytes.length).equals(blob.bytes));
      }
      assert.match(all.subarray(first + blob.bytes.length, second).toString(), /^HTTP\/1\.1 200 /);
      break;
    }
    await once(socket, 'data');
  }
  socket.destroy();
});
