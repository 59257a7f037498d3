// A container's own directory under the data root: bundle, log, and the /etc files bind-mounted in.
import { mkdir, open, readdir, readFile, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ContainerFiles, ContainerPaths } from '../../core/containers/container-files.js';
import { ensureInitLayerDir } from './init-layer-dir.js';

export const containerFilesConfigSchema = z
  .object({ root: z.string(), hostResolvConf: z.string().default('/etc/resolv.conf') })
  .strict();
export type ContainerFilesConfig = z.input<typeof containerFilesConfigSchema>;

const CONTAINER_ID = /^[0-9a-f]{64}$/;

export class LocalContainerFiles implements ContainerFiles {
  private readonly config: z.output<typeof containerFilesConfigSchema>;
  private initLayerDir: Promise<string> | undefined;

  constructor(config: ContainerFilesConfig) {
    this.config = containerFilesConfigSchema.parse(config);
  }

  paths(id: string): ContainerPaths {
    const dir = join(this.config.root, id);
    return {
      dir,
      bundleDir: join(dir, 'bundle'),
      logPath: join(dir, `${id}-json.log`),
      hostsPath: join(dir, 'hosts'),
      hostnamePath: join(dir, 'hostname'),
      resolvConfPath: join(dir, 'resolv.conf'),
    };
  }

  async prepare(id: string, files: { hostname: string; hosts: string; resolvConf: string }): Promise<ContainerPaths> {
    const paths = this.paths(id);
    await mkdir(paths.bundleDir, { recursive: true, mode: 0o700 });
    // New files in a new directory that nothing reads yet: plain writes, no fsync (dockerd does not fsync them
    // either). A kill -9 of the daemon loses nothing (the page cache survives it); the files are derived from the
    // record, and a start on a network writes all three again. The three fsyncs were half of a create's time.
    await Promise.all([
      writeFile(paths.hostnamePath, files.hostname, { mode: 0o644 }),
      writeFile(paths.hostsPath, files.hosts, { mode: 0o644 }),
      writeFile(paths.resolvConfPath, files.resolvConf, { mode: 0o644 }),
    ]);
    return paths;
  }

  async rewriteHosts(id: string, hosts: string): Promise<void> {
    await rewriteInPlace(this.paths(id).hostsPath, hosts);
  }

  async rewriteResolvConf(id: string, resolvConf: string): Promise<void> {
    await rewriteInPlace(this.paths(id).resolvConfPath, resolvConf);
  }

  initLayer(): Promise<string> {
    // Checked (and made) once per daemon: after that a settled promise, nothing on a start's way.
    this.initLayerDir ??= ensureInitLayerDir(join(this.config.root, 'init-layer')).catch((err: unknown) => {
      this.initLayerDir = undefined;
      throw err;
    });
    return this.initLayerDir;
  }

  async hostResolvConf(): Promise<string> {
    try {
      return await readFile(this.config.hostResolvConf, 'utf8');
    } catch {
      return '';
    }
  }

  async ensureBindSource(path: string): Promise<void> {
    // `-v /host/file:/x` binds an existing file: only a missing source is made (a directory, as Docker does).
    if (await this.bindSourceExists(path)) return;
    await mkdir(path, { recursive: true, mode: 0o755 });
  }

  async bindSourceExists(path: string): Promise<boolean> {
    try {
      await stat(path);
      return true;
    } catch {
      return false;
    }
  }

  async remove(id: string): Promise<void> {
    await rm(this.paths(id).dir, { recursive: true, force: true });
  }

  async removeOrphans(known: ReadonlySet<string>): Promise<string[]> {
    const names = await readdir(this.config.root).catch(() => [] as string[]);
    // Only names a container id can have: anything else under the root is not ours to judge.
    const orphans = names.filter((n) => CONTAINER_ID.test(n) && !known.has(n));
    for (const id of orphans) await this.remove(id);
    return orphans;
  }
}

/**
 * A running container's /etc file rewritten in place (its bind mount holds the inode: a rename would never show),
 * without ever being empty: the new text over the old, then the file cut to its length. A truncating write left
 * a reader an empty file between the truncation and the write, and a process resolving its own name during a
 * live connect or disconnect found neither its /etc/hosts line nor a nameserver (`hostname -i` printed nothing).
 */
async function rewriteInPlace(path: string, text: string): Promise<void> {
  const data = Buffer.from(text);
  let fh: FileHandle;
  try {
    fh = await open(path, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return writeFile(path, data);
  }
  try {
    for (let at = 0; at < data.length;) at += (await fh.write(data, at, data.length - at, at)).bytesWritten;
    await fh.truncate(data.length);
  } finally {
    await fh.close();
  }
}
