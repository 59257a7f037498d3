// The local volume driver: each volume is <root>/<name>/_data, a plain directory, or (with type/device
// options) the device mounted there with mount(8) while containers use it. Removal renames the volume's
// directory to `.removing-<name>-<random>` first (before the service deletes the record), so a crash midway never
// leaves half a volume that looks whole; start-up finds those (setAsideOnDisk) and finishes the removals.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { dirUsage } from '../../lib/fs/dir-usage.js';
import { invalidArgument } from '../../core/errdefs.js';
import { deviceMount, isBindDevice } from '../../core/volumes/local-options.js';
import { isValidVolumeName } from '../../core/volumes/volume-names.js';
import type { VolumeRecord } from '../../core/volumes/volume-record.js';
import type { SetAsideVolume } from '../../core/volumes/set-aside-removals.js';
import type { VolumeDriver, VolumeIo } from '../../core/volumes/volume-driver.js';

const run = promisify(execFile);
const REMOVING = '.removing-';
/** `.removing-<volume name>-<hex>` (8 hex digits when made here): the name back from a set-aside directory. */
const SET_ASIDE = /^\.removing-(.+?)(?:-[0-9a-f]+)?$/;

export const localVolumeConfigSchema = z.object({ root: z.string().min(1) }).strict();

async function isMountPoint(path: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  return info.split('\n').some((l) => l.split(' ')[4] === path);
}

export class LocalVolumeDriver implements VolumeDriver {
  readonly name = 'local';
  private readonly root: string;

  constructor(config: z.input<typeof localVolumeConfigSchema>) {
    this.root = localVolumeConfigSchema.parse(config).root;
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o701 });
  }

  dataPath(name: string): string {
    return join(this.root, name, '_data');
  }

  async create(record: VolumeRecord, _options: VolumeIo = {}): Promise<void> {
    await mkdir(this.dataPath(record.name), { recursive: true, mode: 0o755 });
  }

  async mount(record: VolumeRecord, options: VolumeIo = {}): Promise<string> {
    const path = this.dataPath(record.name);
    const device = deviceMount(record.options);
    if (!device || (await isMountPoint(path))) return path;
    await mkdir(path, { recursive: true });
    if (isBindDevice(device)) {
      const exists = await stat(device.device).then(
        () => true,
        () => false,
      );
      if (!exists)
        throw invalidArgument(
          `error while mounting volume '${path}': failed to mount local volume: mount ${device.device}:${path}, flags: 0x1000: no such file or directory`,
        );
    }
    const args = ['-t', device.type, ...(device.options ? ['-o', device.options] : []), device.device, path];
    try {
      await run('mount', args, { signal: options.signal });
    } catch (err) {
      const detail = String((err as { stderr?: string }).stderr ?? err)
        .trim()
        .replace(/^mount: /, '');
      throw invalidArgument(
        `error while mounting volume '${path}': failed to mount local volume: mount ${device.device}:${path}, data: ${device.options}: ${detail}`,
        err,
      );
    }
    return path;
  }

  async unmount(name: string, _options: VolumeIo = {}): Promise<void> {
    const path = this.dataPath(name);
    for (let i = 0; i < 8 && (await isMountPoint(path)); i++)
      await run('umount', [path]).catch(() => run('umount', ['-l', path]));
  }

  async setAside(name: string, options: VolumeIo = {}): Promise<string | undefined> {
    await this.unmount(name, options);
    const doomed = join(this.root, `${REMOVING}${name}-${randomBytes(4).toString('hex')}`);
    return rename(join(this.root, name), doomed).then(
      () => doomed,
      (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)),
    );
  }

  async putBack(name: string, handle: string): Promise<void> {
    await rename(handle, join(this.root, name));
  }

  async purge(dir: string): Promise<void> {
    // Only ever a set-aside directory of this root; never follow into a mount still there: unmount it first.
    if (join(this.root, basename(dir)) !== dir || !SET_ASIDE.test(basename(dir)))
      throw new Error(`not a set-aside volume directory: ${dir}`);
    const data = join(dir, '_data');
    for (let i = 0; i < 8 && (await isMountPoint(data)); i++) await run('umount', ['-l', data]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }

  async usage(name: string, options: VolumeIo = {}): Promise<number> {
    return (await dirUsage(this.dataPath(name), options)).size;
  }

  async setAsideOnDisk(_options: VolumeIo = {}): Promise<SetAsideVolume[]> {
    const out: SetAsideVolume[] = [];
    for (const entry of await readdir(this.root).catch(() => [])) {
      const name = SET_ASIDE.exec(entry)?.[1];
      if (name !== undefined) out.push({ name, handle: join(this.root, entry) });
    }
    return out;
  }

  async onDisk(_options: VolumeIo = {}): Promise<string[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory() && isValidVolumeName(e.name)).map((e) => e.name);
  }
}
