// The image list and lookups with the real docker CLI: gzip loads, an untagged load, images -a/-q/--digests/
// --filter/--format, rmi by short ID and ID prefix, and the raw API shapes the CLI hides (integer Created,
// Containers -1, 404/409 bodies).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { apiJson, isRoot } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { docker } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';
import { dockerArchiveOf } from '../fixtures/docker-archive.js';

const skip = !isRoot() && 'needs root';
let images: Awaited<ReturnType<typeof testImages>>;

// Loading is what the file tests: the daemon starts empty.
const daemon = useDaemon(skip, {
  load: 'none',
  setUp: async () => {
    images = await testImages();
  },
});

const d = (args: string[], input?: Buffer) => docker(daemon.env, args, input ? { input } : {});
const api = async (method: string, path: string): Promise<{ status: number; body: unknown }> => {
  const r = await apiJson<unknown>(daemon.socketPath, method, `/v1.47${path}`);
  return { status: r.status, body: r.json };
};

test('gzip loads, untagged loads, list flags and filters, rmi by ID prefix, API shapes', { skip }, async () => {
  const gz = await d(['load'], gzipSync(readFileSync(images.busybox)));
  assert.equal(gz.code, 0, gz.stderr);
  assert.equal(gz.stdout.trim(), 'Loaded image: busybox:latest');
  const ociGz = await d(['load'], gzipSync(readFileSync(images.busyboxOci)));
  assert.equal(ociGz.code, 0, ociGz.stderr);
  assert.equal((await d(['load', '-i', images.layered])).code, 0);

  const untagged = await d(['load'], await dockerArchiveOf(Buffer.alloc(1024), ''));
  assert.equal(untagged.code, 0, untagged.stderr);
  const untaggedId = /^Loaded image ID: (sha256:[a-f0-9]{64})$/.exec(untagged.stdout.trim())?.[1];
  assert.ok(untaggedId, untagged.stdout);

  const ids = (await d(['images', '-q'])).stdout.trim().split('\n');
  assert.equal(ids.length, 3);
  assert.ok(ids.every((id) => /^[a-f0-9]{12}$/.test(id)));
  const dangling = await d(['images', '--filter', 'dangling=true', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']);
  assert.equal(dangling.stdout.trim(), `<none>:<none> ${untaggedId.slice(7, 19)}`);
  const byRef = await d(['images', '--filter', 'reference=busy*', '--format', '{{.Repository}}']);
  assert.equal(byRef.stdout.trim(), 'busybox');
  assert.equal((await d(['images', '--filter', 'reference=nothing*', '-q'])).stdout.trim(), '');
  const bogus = await d(['images', '--filter', 'colour=blue']);
  assert.equal(bogus.code, 1);
  assert.match(bogus.stderr, /invalid filter 'colour'/);
  const digests = await d(['images', '--digests', 'busybox']);
  assert.match(digests.stdout.split('\n')[0] ?? '', /^REPOSITORY\s+TAG\s+DIGEST\s+IMAGE ID\s+CREATED\s+SIZE$/);
  assert.equal((await d(['images', '-a', '-q'])).stdout.trim().split('\n').length, 3);

  const list = await api('GET', '/images/json');
  assert.equal(list.status, 200);
  const rows = list.body as {
    Created: unknown;
    Containers: number;
    Id: string;
    RepoTags: string[];
    SharedSize: number;
  }[];
  for (const row of rows) {
    assert.ok(Number.isInteger(row.Created), `Created is an integer: ${String(row.Created)}`);
    assert.equal(row.Containers, -1);
    assert.match(row.Id, /^sha256:[a-f0-9]{64}$/);
  }
  assert.deepEqual(rows.find((r) => r.Id === untaggedId)?.RepoTags, []);
  const inspect = await api('GET', '/images/busybox/json');
  const body = inspect.body as { Created: string; Metadata: { LastTagTime: string }; GraphDriver: { Name: string } };
  assert.match(body.Created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.match(body.Metadata.LastTagTime, /^\d{4}-\d\d-\d\dT/);
  assert.ok(['overlay2', 'overlay', 'native', 'vfs'].includes(body.GraphDriver.Name), body.GraphDriver.Name);
  const missing = await api('GET', '/images/nope:1/json');
  assert.deepEqual(missing, { status: 404, body: { message: 'No such image: nope:1' } });
  const badRef = await api('POST', '/images/busybox/tag?repo=Bad');
  assert.equal(badRef.status, 400);

  // A second name: rmi by short ID must be forced; rmi of one name only untags.
  assert.equal((await d(['tag', 'busybox', 'other/box:2'])).code, 0);
  const busyboxId = (await d(['image', 'inspect', '-f', '{{.Id}}', 'busybox'])).stdout.trim();
  const conflicted = await api('DELETE', `/images/${busyboxId.slice(7, 19)}`);
  assert.equal(conflicted.status, 409);
  assert.match(
    (conflicted.body as { message: string }).message,
    /^conflict: unable to delete [a-f0-9]{12} \(must be forced\) - image is referenced in multiple repositories$/,
  );
  const untag = await d(['rmi', 'other/box:2']);
  assert.equal(untag.stdout.trim(), 'Untagged: other/box:2');
  const byPrefix = await d(['rmi', busyboxId.slice(7, 17)]);
  assert.equal(byPrefix.code, 0, byPrefix.stderr);
  assert.match(byPrefix.stdout, /^Untagged: busybox:latest\nDeleted: sha256:[a-f0-9]{64}\n$/);
  const untaggedRm = await d(['rmi', untaggedId]);
  assert.equal(untaggedRm.stdout.trim(), `Deleted: ${untaggedId}`);
  assert.equal((await d(['images', '-q'])).stdout.trim().split('\n').length, 1);
});
