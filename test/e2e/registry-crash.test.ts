// kill -9 of `berth registry serve` in the middle of uploads: everything committed before survives whole,
// nothing half-written becomes visible, and an interrupted chunked upload resumes from the offset the
// registry reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type ClientRequest } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { watch } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '../../src/lib/digest.js';
import { pushImage, randomBlob, startRegistryProcess } from '../helpers/registry.js';

/** Resolves once a file in `dir` (matching `accept`) holds at least `bytes` bytes; watches the directory, no polling loop. */
async function fileGrows(dir: string, bytes: number, accept: (name: string) => boolean = () => true): Promise<string> {
  const check = (): string | undefined => {
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      const size = (() => {
        try {
          return statSync(join(dir, name)).size;
        } catch {
          return 0;
        }
      })();
      if (accept(name) && size >= bytes) return name;
    }
    return undefined;
  };
  const ac = new AbortController();
  try {
    const found = check();
    if (found) return found;
    for await (const _ of watch(dir, { signal: ac.signal })) {
      const hit = check();
      if (hit) return hit;
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    ac.abort();
  }
  throw new Error('unreachable');
}

/** Starts a streamed request body and writes `first` into it, leaving the request open. */
function openUpload(url: string, method: string, first: Buffer): ClientRequest {
  const req = request(url, {
    method,
    headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
  });
  req.on('error', () => {});
  req.write(first);
  return req;
}

test('kill -9 mid-upload loses nothing committed and shows nothing half-written; the chunked upload resumes', async () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-regcrash-'));
  let reg = await startRegistryProcess({ root });
  try {
    const committed = await pushImage(reg.url, 'crash/app', 'v1', 3);
    const big = randomBlob(6 * 1024 * 1024);
    const half = 3 * 1024 * 1024;

    // A chunked session, its PATCH cut off midway.
    const start = await fetch(`${reg.url}/v2/crash/app/blobs/uploads/`, { method: 'POST' });
    const loc = start.headers.get('location') as string;
    const patch = openUpload(`${reg.url}${loc}`, 'PATCH', big.bytes.subarray(0, half));
    // A monolithic upload of another blob, also cut off.
    const other = randomBlob(4 * 1024 * 1024);
    const mono = openUpload(
      `${reg.url}/v2/crash/app/blobs/uploads/?digest=${other.digest}`,
      'POST',
      other.bytes.subarray(0, 2 * 1024 * 1024),
    );
    await fileGrows(join(root, 'r', 'uploads'), 64 * 1024);
    await fileGrows(join(root, 'r', 'content', 'ingest'), 64 * 1024);
    await reg.kill9();
    patch.destroy();
    mono.destroy();

    reg = await startRegistryProcess({ root });
    // Committed: the image, whole.
    const m = await fetch(`${reg.url}/v2/crash/app/manifests/v1`);
    assert.equal(m.status, 200);
    assert.equal(sha256(Buffer.from(await m.arrayBuffer())), committed.manifest.digest);
    for (const b of committed.blobs) {
      const r = await fetch(`${reg.url}/v2/crash/app/blobs/${b.digest}`);
      assert.equal(sha256(Buffer.from(await r.arrayBuffer())), b.digest);
    }
    // Half-written: invisible, and the partial ingest is gone.
    for (const d of [big.digest, other.digest]) {
      assert.equal((await fetch(`${reg.url}/v2/crash/app/blobs/${d}`, { method: 'HEAD' })).status, 404);
      assert.equal(existsSync(join(root, 'r', 'content', 'blobs', 'sha256', d.slice(7))), false);
    }
    const ingest = join(root, 'r', 'content', 'ingest');
    assert.deepEqual(existsSync(ingest) ? readdirSync(ingest) : [], []);
    // The session is still there; it resumes from what the registry says it has.
    const status = await fetch(`${reg.url}${loc}`);
    assert.equal(status.status, 204);
    const have = Number(/^0-(\d+)$/.exec(status.headers.get('range') ?? '')?.[1]) + 1;
    assert.ok(have > 0 && have <= half, `resume offset ${have}`);
    const rest = await fetch(`${reg.url}${loc}`, {
      method: 'PATCH',
      body: big.bytes.subarray(have),
      headers: { 'content-type': 'application/octet-stream', 'content-range': `${have}-${big.bytes.length - 1}` },
    });
    assert.equal(rest.status, 202);
    const done = await fetch(`${reg.url}${loc}?digest=${big.digest}`, { method: 'PUT' });
    assert.equal(done.status, 201);
    const whole = await fetch(`${reg.url}/v2/crash/app/blobs/${big.digest}`);
    assert.equal(sha256(Buffer.from(await whole.arrayBuffer())), big.digest);
  } finally {
    await reg.close();
    rmSync(root, { recursive: true, force: true });
  }
});
