// Interprets an ingested archive: docker-archive manifest.json first, else the OCI layout's index.json.
// Yields, per image: config blob, layers (blob + media type), and the names it should get.
import { invalidArgument } from '../../core/errdefs.js';
import { isDigest, type Digest } from '../../lib/digest.js';
import type { BlobInfo, ContentStore } from '../../core/content/content-store.js';
import {
  MEDIA_TYPES,
  type DockerArchiveManifestEntry,
  type ImageIndex,
  type ImageManifest,
} from '../../spec/oci/image.js';

export interface ArchiveImage {
  config: Digest;
  layers: { blob: Digest; mediaType: string; size: number }[];
  /** References as written in the archive (familiar or full). */
  names: string[];
  /** The manifest blob when the archive carried one. */
  manifest: Digest | undefined;
}

const parseJson = <T>(data: Buffer, what: string): T => {
  try {
    return JSON.parse(data.toString('utf8')) as T;
  } catch {
    throw invalidArgument(`invalid archive: ${what} is not valid JSON`);
  }
};

function blobOf(files: Map<string, BlobInfo>, path: string, what: string): BlobInfo {
  const info = files.get(path.replace(/^(\.\/)+/, ''));
  if (!info) throw invalidArgument(`invalid archive: ${what} ${path} is missing`);
  return info;
}

export async function imagesInArchive(files: Map<string, BlobInfo>, content: ContentStore): Promise<ArchiveImage[]> {
  const manifestJson = files.get('manifest.json');
  if (manifestJson) {
    const entries = parseJson<DockerArchiveManifestEntry[]>(
      await content.readAll(manifestJson.digest),
      'manifest.json',
    );
    if (!Array.isArray(entries)) throw invalidArgument('invalid archive: manifest.json is not a list');
    return entries.map((entry) => {
      if (typeof entry.Config !== 'string' || !Array.isArray(entry.Layers))
        throw invalidArgument('invalid archive: malformed manifest.json entry');
      return {
        config: blobOf(files, entry.Config, 'config').digest,
        layers: entry.Layers.map((l) => {
          const b = blobOf(files, l, 'layer');
          return { blob: b.digest, mediaType: MEDIA_TYPES.dockerLayer, size: b.size };
        }),
        names: entry.RepoTags ?? [],
        manifest: undefined,
      };
    });
  }
  const indexJson = files.get('index.json');
  if (!indexJson)
    throw invalidArgument(
      'invalid archive: neither manifest.json nor index.json found (not a docker-archive or OCI layout)',
    );
  const index = parseJson<ImageIndex>(await content.readAll(indexJson.digest), 'index.json');
  const images: ArchiveImage[] = [];
  const fromDescriptor = async (digest: string, names: string[]): Promise<void> => {
    if (!isDigest(digest)) throw invalidArgument(`invalid archive: bad digest ${digest}`);
    const blob = blobOf(files, `blobs/sha256/${digest.slice(7)}`, 'manifest');
    if (blob.digest !== digest) throw invalidArgument(`invalid archive: blob ${digest} does not match its digest`);
    const doc = parseJson<ImageManifest & ImageIndex>(await content.readAll(blob.digest), 'manifest');
    if (Array.isArray(doc.manifests)) {
      // A nested index: take the linux manifest for this machine's architecture, else the first.
      const arch = process.arch === 'x64' ? 'amd64' : process.arch;
      const pick =
        doc.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch) ?? doc.manifests[0];
      if (pick) await fromDescriptor(pick.digest, names);
      return;
    }
    if (!doc.config || !Array.isArray(doc.layers))
      throw invalidArgument(`invalid archive: ${digest} is not an image manifest`);
    const check = (d: string, what: string): Digest => {
      const b = blobOf(files, `blobs/sha256/${d.replace(/^sha256:/, '')}`, what);
      if (b.digest !== d)
        throw invalidArgument(`invalid archive: ${what} ${d} does not match its digest (${b.digest})`);
      return b.digest;
    };
    images.push({
      config: check(doc.config.digest, 'config'),
      layers: doc.layers.map((l) => ({ blob: check(l.digest, 'layer'), mediaType: l.mediaType, size: l.size })),
      names,
      manifest: blob.digest,
    });
  };
  for (const m of index.manifests ?? []) {
    const name = m.annotations?.['io.containerd.image.name'];
    await fromDescriptor(m.digest, name ? [name] : []);
  }
  return images;
}
