// berth's own pause image for pod sandboxes: catatonit (statically linked, installed with berth) as /pause,
// run as `/pause -P` (catatonit's pause mode: it holds the pod's namespaces, reaps orphans, exits on a signal).
// Imported into the image store at the first pod as a one-layer image, so the infra container is an ordinary
// berth container; `crictl images` and `docker images` show it, as containerd shows its pause image.
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { failedPrecondition } from '../core/errdefs.js';
import type { ImageService } from '../engine/images/image-service.js';

export const PAUSE_REPO = 'localhost/berth-pause';
export const PAUSE_TAG = 'catatonit';
export const PAUSE_IMAGE = `${PAUSE_REPO}:${PAUSE_TAG}`;

async function pauseLayer(catatonit: string): Promise<Buffer> {
  const binary = await readFile(catatonit).catch((err: unknown) => {
    throw failedPrecondition(`pod sandboxes need catatonit (${catatonit}; apt-get install catatonit)`, err);
  });
  const pack = tar.pack();
  pack.entry({ name: 'pause', mode: 0o755, uid: 0, gid: 0, mtime: new Date(0) }, binary);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

let importing: Promise<void> | undefined;

/** Makes sure the pause image is in the store (imported once; concurrent pods wait for the same import). */
export async function ensurePauseImage(images: ImageService, catatonit: string): Promise<string> {
  if (images.idsFor(PAUSE_IMAGE).length > 0) return PAUSE_IMAGE;
  importing ??= (async () => {
    const layer = await pauseLayer(catatonit);
    await images.importRootfs(Readable.from([layer]), {
      repo: PAUSE_REPO,
      tag: PAUSE_TAG,
      changes: ['ENTRYPOINT ["/pause", "-P"]'],
      message: 'berth pause (catatonit)',
    });
  })().finally(() => {
    importing = undefined;
  });
  await importing;
  return PAUSE_IMAGE;
}
