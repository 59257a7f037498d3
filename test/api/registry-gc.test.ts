// Online garbage collection: what it keeps (tagged and untagged manifests, leased uploads), what it frees
// (blobs of deleted manifests, abandoned uploads, orphaned files), and that pushes and pulls running at the
// same time as collections all succeed and stay whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LocalContentStore } from '../../src/drivers/content-local/local-content-store.js';
import { sha256 } from '../../src/lib/digest.js';
import type { GarbageCollector } from '../../src/registry/gc.js';
import {
  pushBlob,
  pushImage,
  pushManifest,
  randomBlob,
  startInProcessRegistry,
  type Blob,
} from '../helpers/registry.js';

const HOUR = 60 * 60_000;

async function pullWhole(url: string, repo: string, ref: string): Promise<void> {
  const res = await fetch(`${url}/v2/${repo}/manifests/${ref}`);
  assert.equal(res.status, 200, `${repo}:${ref}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  const m = JSON.parse(bytes.toString()) as { config: { digest: string }; layers: { digest: string }[] };
  for (const d of [m.config.digest, ...m.layers.map((l) => l.digest)]) {
    const blob = await fetch(`${url}/v2/${repo}/blobs/${d}`);
    assert.equal(blob.status, 200, `${repo}:${ref} ${d}`);
    assert.equal(sha256(Buffer.from(await blob.arrayBuffer())), d);
  }
}

test('GC keeps manifests under a deleted tag, frees what a deleted manifest alone held, keeps leased uploads', async () => {
  const clock = { offsetMs: -2 * HOUR };
  const reg = await startInProcessRegistry({ gc: { graceMs: HOUR } }, clock);
  const gc = reg.server?.gc as GarbageCollector;
  const file = (b: Blob) => join(reg.root, 'content', 'blobs', 'sha256', b.digest.slice(7));
  try {
    // Pushed "two hours ago": their leases have run out, only manifests hold them.
    const kept = await pushImage(reg.url, 'gc/app', 'keep');
    await pushManifest(reg.url, 'gc/app', 'other', kept.manifest.bytes);
    const doomed = await pushImage(reg.url, 'gc/app', 'doomed');
    const abandoned = randomBlob(64);
    await pushBlob(reg.url, 'gc/app', abandoned);
    // The same layer pushed to a second repository, whose manifest stays.
    const shared = doomed.blobs[1] as Blob;
    await pushBlob(reg.url, 'gc/copy', shared);
    await pushManifest(
      reg.url,
      'gc/copy',
      'v1',
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: {
            mediaType: 'application/vnd.oci.image.config.v1+json',
            digest: shared.digest,
            size: shared.bytes.length,
          },
          layers: [],
        }),
      ),
    );
    clock.offsetMs = 0;
    // A push in progress now: blob in, manifest not yet.
    const inflight = randomBlob(64);
    await pushBlob(reg.url, 'gc/app', inflight);
    // An orphan: bytes in the store that no repository names (a crash between write and link).
    const orphan = await new LocalContentStore({ root: join(reg.root, 'content') }).put('orphan bytes');

    assert.equal((await fetch(`${reg.url}/v2/gc/app/manifests/keep`, { method: 'DELETE' })).status, 202);
    assert.equal(
      (await fetch(`${reg.url}/v2/gc/app/manifests/${doomed.manifest.digest}`, { method: 'DELETE' })).status,
      202,
    );
    const report = await gc.collect();

    await pullWhole(reg.url, 'gc/app', 'other');
    await pullWhole(reg.url, 'gc/app', kept.manifest.digest);
    for (const b of [doomed.manifest, doomed.blobs[0] as Blob, doomed.blobs[2] as Blob, abandoned])
      assert.equal(existsSync(file(b)), false, b.digest);
    assert.equal(existsSync(join(reg.root, 'content', 'blobs', 'sha256', orphan.digest.slice(7))), false);
    assert.equal(existsSync(file(shared)), true, 'still held by gc/copy');
    assert.equal((await fetch(`${reg.url}/v2/gc/copy/blobs/${shared.digest}`)).status, 200);
    assert.equal((await fetch(`${reg.url}/v2/gc/app/blobs/${shared.digest}`)).status, 404);
    assert.equal(existsSync(file(inflight)), true, 'the in-flight upload is leased');
    assert.equal(report.blobsRemoved, 5);
    const config = randomBlob(8);
    await pushBlob(reg.url, 'gc/app', config);
    const late = await pushManifest(
      reg.url,
      'gc/app',
      'late',
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: 8 },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: inflight.digest, size: 64 }],
        }),
      ),
    );
    assert.equal(late.status, 201);
  } finally {
    await reg.close();
  }
});

test('pushes and pulls go on while GC runs again and again, and every image stays whole', async () => {
  const clock = { offsetMs: -2 * HOUR };
  const reg = await startInProcessRegistry({ gc: { graceMs: HOUR } }, clock);
  const gc = reg.server?.gc as GarbageCollector;
  try {
    const old = await Promise.all([0, 1, 2, 3].map((i) => pushImage(reg.url, `gc/old${i}`, 'v1', 2)));
    clock.offsetMs = 0;
    for (const [i, o] of old.entries())
      await fetch(`${reg.url}/v2/gc/old${i}/manifests/${o.manifest.digest}`, { method: 'DELETE' });
    let pushing = true;
    let collections = 0;
    const collector = (async () => {
      while (pushing) {
        await gc.collect();
        collections++;
      }
    })();
    const pushes = Array.from({ length: 12 }, (_, i) => pushImage(reg.url, `gc/new${i % 3}`, `t${i}`, 3));
    const pulls = (async () => {
      for (let i = 0; i < 5; i++) await pullWhole(reg.url, 'gc/new0', (await pushes[0])?.manifest.digest as string);
    })();
    await Promise.all([...pushes, pulls]);
    pushing = false;
    await collector;
    assert.ok(collections >= 1);
    for (let i = 0; i < 12; i++) await pullWhole(reg.url, `gc/new${i % 3}`, `t${i}`);
    await gc.collect();
    for (let i = 0; i < 12; i++) await pullWhole(reg.url, `gc/new${i % 3}`, `t${i}`);
    for (const o of old)
      for (const b of [o.manifest, ...o.blobs])
        assert.equal(existsSync(join(reg.root, 'content', 'blobs', 'sha256', b.digest.slice(7))), false);
  } finally {
    await reg.close();
  }
});
