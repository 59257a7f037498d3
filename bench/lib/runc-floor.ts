// The floor: the same container (busybox rootfs, `true`) run by runc alone on a prepared bundle.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { exec, execOk, describeFailure } from './exec.js';
import { unpackDockerArchive } from './images.js';

export interface RuncFloor {
  /** One `runc run --bundle`, checked; returns milliseconds. */
  runOnce(index: number): Promise<number>;
  stateRoot: string;
}

interface OciSpec {
  process: { terminal: boolean; args: string[] };
  root: { path: string; readonly: boolean };
}

export async function prepareRuncFloor(busyboxTar: string, dir: string): Promise<RuncFloor> {
  const bundle = join(dir, 'bundle');
  const stateRoot = join(dir, 'state');
  await mkdir(stateRoot, { recursive: true });
  await unpackDockerArchive(busyboxTar, join(bundle, 'rootfs'));
  await execOk('runc', ['spec', '--bundle', bundle]);
  const spec = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8')) as OciSpec;
  // runc's default spec: its own network namespace with loopback only (as `--network none`), read-only root.
  spec.process.terminal = false;
  spec.process.args = ['true'];
  await writeFile(join(bundle, 'config.json'), JSON.stringify(spec));
  return {
    stateRoot,
    async runOnce(index) {
      const result = await exec('runc', [
        '--root',
        stateRoot,
        'run',
        '--bundle',
        bundle,
        `bench-floor-${index + 1000}`,
      ]);
      if (result.code !== 0 || result.stdout !== '') throw new Error(describeFailure('runc run', result));
      return result.ms;
    },
  };
}
