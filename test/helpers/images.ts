// The test images made by scripts/make-test-images.sh, built once per machine into a shared directory.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './daemon.js';

export const TEST_IMAGES_DIR = process.env.BERTH_TEST_IMAGES ?? '/var/tmp/berth-test-images';

let made: Promise<{ busybox: string; busyboxOci: string; layered: string }> | undefined;

export function testImages(): Promise<{ busybox: string; busyboxOci: string; layered: string }> {
  made ??= Promise.resolve().then(() => {
    execFileSync('bash', [join(REPO_ROOT, 'scripts/make-test-images.sh'), TEST_IMAGES_DIR], { stdio: 'ignore' });
    return {
      busybox: join(TEST_IMAGES_DIR, 'busybox.tar'),
      busyboxOci: join(TEST_IMAGES_DIR, 'busybox-oci.tar'),
      layered: join(TEST_IMAGES_DIR, 'layered.tar'),
    };
  });
  return made;
}
