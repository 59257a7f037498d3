// The test images both engines load: busybox from scripts/make-test-images.sh, and the big image for load/save.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execOk } from './exec.js';
import { makeBigImage } from './big-image.js';

export interface Images {
  busyboxTar: string;
  bigTar: string;
}

export async function prepareImages(repoRoot: string, dir: string): Promise<Images> {
  await mkdir(dir, { recursive: true });
  await execOk('bash', [join(repoRoot, 'scripts/make-test-images.sh'), dir]);
  const bigTar = await makeBigImage(join(dir, 'big.tar'));
  return { busyboxTar: join(dir, 'busybox.tar'), bigTar };
}

/** Unpacks a docker-archive's layers, in order, into `rootfs` (for the runc bundle). */
export async function unpackDockerArchive(archive: string, rootfs: string): Promise<void> {
  const scratch = `${rootfs}.archive`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  await mkdir(rootfs, { recursive: true });
  await execOk('tar', ['-xf', archive, '-C', scratch]);
  const manifest = JSON.parse(await readFile(join(scratch, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>;
  for (const layer of manifest[0]?.Layers ?? [])
    await execOk('tar', ['-xf', join(scratch, layer), '-C', rootfs, '--numeric-owner']);
  await rm(scratch, { recursive: true, force: true });
}
