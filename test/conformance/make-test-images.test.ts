// scripts/make-test-images.sh: what the test images hold, and that two runs make the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { REPO_ROOT } from '../helpers/daemon.js';

const SCRIPT = join(REPO_ROOT, 'scripts/make-test-images.sh');
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const hasBusybox = ((): boolean => {
  try {
    execFileSync('dpkg-query', ['-W', 'busybox-static'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

interface TarEntry {
  header: tar.Header;
  body: Buffer;
}

async function readTar(bytes: Buffer): Promise<Map<string, TarEntry>> {
  const out = new Map<string, TarEntry>();
  const extract = tar.extract();
  Readable.from([bytes]).pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    out.set(entry.header.name.replace(/^\.\//, ''), { header: entry.header, body: Buffer.concat(chunks) });
  }
  return out;
}

const json = <T>(files: Map<string, TarEntry>, name: string): T => JSON.parse(String(files.get(name)?.body)) as T;

test(
  'test images: busybox as docker-archive and OCI layout, the layered image, byte for byte reproducible',
  { skip: !hasBusybox && 'needs busybox-static' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'test-images-'));
    try {
      execFileSync('bash', [SCRIPT, join(dir, 'a')], { stdio: 'ignore' });
      execFileSync('bash', [SCRIPT, join(dir, 'b')], { stdio: 'ignore' });
      for (const f of ['busybox.tar', 'busybox-oci.tar', 'layered.tar']) {
        assert.equal(
          sha(readFileSync(join(dir, 'a', f))),
          sha(readFileSync(join(dir, 'b', f))),
          `${f} is reproducible`,
        );
      }
      // Idempotent: a third run over existing outputs leaves them alone.
      const mtime = statSync(join(dir, 'a', 'busybox.tar')).mtimeMs;
      execFileSync('bash', [SCRIPT, join(dir, 'a')], { stdio: 'ignore' });
      assert.equal(statSync(join(dir, 'a', 'busybox.tar')).mtimeMs, mtime);

      const archive = await readTar(readFileSync(join(dir, 'a', 'busybox.tar')));
      const [manifest] = json<{ Config: string; RepoTags: string[]; Layers: string[] }[]>(archive, 'manifest.json');
      assert.deepEqual(manifest?.RepoTags, ['busybox:latest']);
      assert.equal(manifest?.Layers.length, 1);
      const config = json<{
        architecture: string;
        os: string;
        config: { Cmd: string[]; Env: string[] };
        rootfs: { diff_ids: string[] };
        history: { empty_layer?: boolean }[];
      }>(archive, manifest?.Config ?? '');
      assert.equal(config.os, 'linux');
      assert.match(config.architecture, /^(amd64|arm64|arm|386|ppc64le|s390x|riscv64)$/);
      assert.deepEqual(config.config.Cmd, ['sh']);
      assert.ok(config.config.Env.some((e) => e.startsWith('PATH=')));
      assert.equal(config.history.filter((h) => !h.empty_layer).length, 1);
      const layerBytes = archive.get(manifest?.Layers[0] ?? '')?.body as Buffer;
      assert.equal(`sha256:${sha(layerBytes)}`, config.rootfs.diff_ids[0]);

      const layer = await readTar(layerBytes);
      assert.equal(layer.get('bin/busybox')?.header.type, 'file');
      for (const applet of ['sh', 'httpd', 'wget', 'nc', 'sleep', 'top'])
        assert.equal(layer.get(`bin/${applet}`)?.header.linkname, 'busybox', applet);
      assert.equal((layer.get('tmp/')?.header.mode ?? 0) & 0o7777, 0o1777);
      const passwd = String(layer.get('etc/passwd')?.body);
      for (const user of [/^root:x:0:0:/m, /^nobody:x:65534:/m, /^app:x:1000:1000:/m]) assert.match(passwd, user);
      for (const d of ['root/', 'home/', 'var/']) assert.equal(layer.get(d)?.header.type, 'directory', d);
      assert.ok(
        [...layer.values()].every(
          (e) => e.header.mtime?.getTime() === layer.get('bin/busybox')?.header.mtime?.getTime(),
        ),
        'one fixed mtime',
      );

      // The OCI layout: the same image, its layer gzip'd (so the same diff id).
      const oci = await readTar(readFileSync(join(dir, 'a', 'busybox-oci.tar')));
      assert.deepEqual(json(oci, 'oci-layout'), { imageLayoutVersion: '1.0.0' });
      const index = json<{ manifests: { digest: string; annotations: Record<string, string> }[] }>(oci, 'index.json');
      assert.equal(index.manifests[0]?.annotations['org.opencontainers.image.ref.name'], 'latest');
      assert.equal(index.manifests[0]?.annotations['io.containerd.image.name'], 'docker.io/library/busybox:latest');
      const blob = (d: string | undefined): Buffer =>
        oci.get(`blobs/sha256/${(d ?? '').replace('sha256:', '')}`)?.body as Buffer;
      const ociManifest = JSON.parse(String(blob(index.manifests[0]?.digest))) as {
        config: { digest: string };
        layers: { digest: string; mediaType: string }[];
      };
      assert.equal(ociManifest.layers[0]?.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
      assert.equal(sha(gunzipSync(blob(ociManifest.layers[0]?.digest))), sha(layerBytes));
      assert.deepEqual(JSON.parse(String(blob(ociManifest.config.digest))).rootfs, config.rootfs);

      // The layered image: three layers, the whiteout and the opaque marker where the header says.
      const layered = await readTar(readFileSync(join(dir, 'a', 'layered.tar')));
      const [lm] = json<{ RepoTags: string[]; Layers: string[] }[]>(layered, 'manifest.json');
      assert.deepEqual(lm?.RepoTags, ['berth-test/layered:latest']);
      const [l1, l2, l3] = await Promise.all((lm?.Layers ?? []).map((l) => readTar(layered.get(l)?.body as Buffer)));
      assert.ok(l1?.has('data/keep') && l1.has('data/gone') && l1.has('opaque/old') && l1.has('bin/busybox'));
      assert.ok(l2?.has('data/.wh.gone') && l2.has('data/new'));
      assert.ok(l3?.has('opaque/.wh..wh..opq') && l3.has('opaque/fresh'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
