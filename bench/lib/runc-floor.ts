// The floor: the same container (busybox rootfs, `true`) run by runc alone on a prepared bundle.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { exec, execOk, describeFailure } from './exec.js';
import { unpackDockerArchive } from './images.js';

export interface RuncFloor {
  /** One `runc run --bundle`, checked; returns milliseconds. */
  runOnce(index: number): Promise<number>;
  stateRoot: string;
  /** The floor's busybox rootfs (shared by every bundle made from it). */
  rootfs: string;
  /** Where this floor keeps its bundles. */
  dir: string;
}

/** The parts of an OCI runtime spec the floor sets. */
export interface OciSpec {
  process: { terminal: boolean; args: string[] };
  root: { path: string; readonly?: boolean };
}

/**
 * A floor running `spec` (runc spec's, or an engine's own for a container like the row's) with `true` on the floor's
 * rootfs, as bundle `name` beside the others; its containers are named `<name>-<index>`.
 */
export async function floorOnSpec(
  base: Pick<RuncFloor, 'stateRoot' | 'rootfs' | 'dir'>,
  spec: OciSpec,
  name: string,
): Promise<RuncFloor> {
  const bundle = join(base.dir, name);
  await mkdir(bundle, { recursive: true });
  spec.process.terminal = false;
  spec.process.args = ['true'];
  spec.root.path = base.rootfs;
  await writeFile(join(bundle, 'config.json'), JSON.stringify(spec));
  const floor: RuncFloor = {
    ...base,
    async runOnce(index) {
      const result = await exec('runc', [
        '--root',
        base.stateRoot,
        'run',
        '--bundle',
        bundle,
        `${name}-${index + 1000}`,
      ]);
      if (result.code !== 0 || result.stdout !== '') throw new Error(describeFailure('runc run', result));
      return result.ms;
    },
  };
  return floor;
}

export async function prepareRuncFloor(busyboxTar: string, dir: string): Promise<RuncFloor> {
  const stateRoot = join(dir, 'state');
  const rootfs = join(dir, 'rootfs');
  await mkdir(stateRoot, { recursive: true });
  await unpackDockerArchive(busyboxTar, rootfs);
  const specDir = join(dir, 'runc-spec');
  await mkdir(specDir, { recursive: true });
  await execOk('runc', ['spec', '--bundle', specDir]);
  // runc's default spec: its own network namespace with loopback only (as `--network none`), read-only root.
  const spec = JSON.parse(await readFile(join(specDir, 'config.json'), 'utf8')) as OciSpec;
  return floorOnSpec({ stateRoot, rootfs, dir }, spec, 'bench-floor');
}
