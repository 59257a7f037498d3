// `docker save`: a tar that both docker-archive readers (manifest.json, repositories) and OCI layout readers
// (oci-layout, index.json, blobs/sha256/...) accept, as Docker 25+ writes. Blobs are streamed from the store.
import tar from 'tar-stream';
import type { Readable } from 'node:stream';
import type { ContentStore } from '../../core/content/content-store.js';
import type { ImageRecord } from '../../core/images/image-record.js';
import { normalizeName } from '../../core/images/reference.js';
import { MEDIA_TYPES } from '../../spec/oci/image.js';

const EPOCH = new Date(0);

export function saveArchive(content: ContentStore, images: { image: ImageRecord; tags: string[] }[]): Readable {
  const pack = tar.pack();
  const addFile = (name: string, data: string): Promise<void> =>
    new Promise((resolve, reject) =>
      pack.entry({ name, mtime: EPOCH, mode: 0o644 }, data, (err) => (err ? reject(err) : resolve())),
    );
  const addBlob = async (digest: string, written: Set<string>): Promise<void> => {
    if (written.has(digest)) return;
    written.add(digest);
    const { size } = await content.info(digest as `sha256:${string}`);
    await new Promise<void>((resolve, reject) => {
      const entry = pack.entry({ name: `blobs/sha256/${digest.slice(7)}`, size, mtime: EPOCH, mode: 0o644 }, (err) =>
        err ? reject(err) : resolve(),
      );
      const source = content.read(digest as `sha256:${string}`);
      source.on('error', reject);
      source.pipe(entry as unknown as NodeJS.WritableStream);
    });
  };

  void (async () => {
    const written = new Set<string>();
    const manifestJson: unknown[] = [];
    const index: unknown[] = [];
    const repositories: Record<string, Record<string, string>> = {};
    for (const { image, tags } of images) {
      await addBlob(image.id, written);
      for (const l of image.layers) await addBlob(l.blob, written);
      await addBlob(image.manifest, written);
      manifestJson.push({
        Config: `blobs/sha256/${image.id.slice(7)}`,
        RepoTags: tags.length > 0 ? tags : null,
        Layers: image.layers.map((l) => `blobs/sha256/${l.blob.slice(7)}`),
      });
      const { size } = await content.info(image.manifest);
      const descriptor = { mediaType: MEDIA_TYPES.ociManifest, digest: image.manifest, size };
      if (tags.length === 0) index.push(descriptor);
      for (const tag of tags) {
        index.push({
          ...descriptor,
          annotations: {
            'io.containerd.image.name': normalizeName(tag),
            'org.opencontainers.image.ref.name': tag.slice(tag.lastIndexOf(':') + 1),
          },
        });
        const repo = tag.slice(0, tag.lastIndexOf(':'));
        repositories[repo] = {
          ...(repositories[repo] ?? {}),
          [tag.slice(tag.lastIndexOf(':') + 1)]: image.layers[image.layers.length - 1]?.blob.slice(7) ?? '',
        };
      }
    }
    await addFile(
      'index.json',
      JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: index }),
    );
    await addFile('manifest.json', JSON.stringify(manifestJson));
    await addFile('oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    if (Object.keys(repositories).length > 0) await addFile('repositories', JSON.stringify(repositories));
    pack.finalize();
  })().catch((err: unknown) => pack.destroy(err as Error));
  return pack as unknown as Readable;
}
