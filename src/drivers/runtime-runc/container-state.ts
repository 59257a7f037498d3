// A container's state directory under the driver's state root (`containers/<id>/`): meta.json, what a later
// driver instance needs to know about a container it did not start, and conmon's pid file, from which the
// driver tells whether the container's monitor still lives. What is read of a container (its meta, conmon's pid,
// its bundle's OCI process) is remembered until its state goes. What is read here is small and in the page cache
// (the exec root) or in /proc: read synchronously, a few microseconds, where an asynchronous readFile is four
// thread-pool round trips (open, stat, read, close; ~0.2 ms quiet, far more under load) and one `docker run` reads
// a dozen such files one after another. Writes and removals stay asynchronous: on a disk-backed exec root they can
// wait for the filesystem's journal, which must not stall the event loop.
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogPolicy } from '../../core/runtime/log-policy.js';
import type { RuntimeBinary } from './runtime-config.js';
import type { OciProcess, OciRuntimeSpec } from '../../spec/oci/runtime-spec.js';

export interface ContainerMeta {
  bundleDir: string;
  rootfs: string;
  logPath: string;
  cgroupsPath: string;
  policy: LogPolicy;
  /** The OCI runtime this container runs under (absent in state written before runtimes: runc). */
  runtime?: RuntimeBinary;
}

/** A small file's text, '' when it cannot be read. */
function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export class ContainerStateDirs {
  /** meta.json and conmon's pid as last read or written: neither changes until the state dir goes (forget). */
  private readonly metas = new Map<string, ContainerMeta>();
  private readonly conmonPids = new Map<string, number>();
  /** Each container's OCI process as its config.json has it, read at its first exec: the base of every exec. */
  private readonly processSpecs = new Map<string, OciProcess>();

  constructor(private readonly stateRoot: string) {}

  /** The state dir of `id` is gone (or about to be made again): what was remembered of it goes too. */
  forget(id: string): void {
    this.metas.delete(id);
    this.conmonPids.delete(id);
    this.processSpecs.delete(id);
  }

  dir(id: string): string {
    return join(this.stateRoot, 'containers', id);
  }

  async meta(id: string): Promise<ContainerMeta | undefined> {
    const known = this.metas.get(id);
    if (known) return known;
    let text: string;
    try {
      text = readFileSync(join(this.dir(id), 'meta.json'), 'utf8');
    } catch {
      return undefined;
    }
    const read = JSON.parse(text) as ContainerMeta;
    this.metas.set(id, read);
    return read;
  }

  /** The process of the container's bundle (its config.json, written once per run): read once, then remembered. */
  async processSpec(id: string, meta: ContainerMeta): Promise<OciProcess> {
    const known = this.processSpecs.get(id);
    if (known) return known;
    const spec = JSON.parse(readFileSync(join(meta.bundleDir, 'config.json'), 'utf8')) as OciRuntimeSpec;
    this.processSpecs.set(id, spec.process);
    return spec.process;
  }

  /**
   * Written beside and renamed over the old one: a run rewrites it once its cgroup is known, and a kill -9 of the
   * daemon between a plain rewrite's truncation and its write left an empty meta.json, after which the container
   * could be neither started nor removed (the delete's parse threw; its rootfs stayed mounted). No fsync: the
   * exec root's state outlives the daemon, not the host.
   */
  async writeMeta(id: string, meta: ContainerMeta): Promise<void> {
    const path = join(this.dir(id), 'meta.json');
    await writeFile(`${path}.tmp`, JSON.stringify(meta));
    await rename(`${path}.tmp`, path);
    this.metas.set(id, { ...meta });
  }

  /** Leftovers of an earlier run: the state dir or runc's state. */
  async hasState(id: string): Promise<boolean> {
    return existsSync(this.dir(id)) || existsSync(join(this.stateRoot, 'runc', id));
  }

  async conmonPid(id: string): Promise<number | undefined> {
    const known = this.conmonPids.get(id);
    if (known) return known;
    const pid = Number.parseInt(readText(join(this.dir(id), 'conmon.pid')), 10);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    this.conmonPids.set(id, pid);
    return pid;
  }

  /**
   * A cheap synchronous check of this container's conmon for pollers: one read of /proc/<pid>/stat, for the pid
   * read (and checked against its cmdline) now: alive while that process is a conmon and not a zombie. Undefined
   * when that conmon is not running. A pid recycled by another conmon is not told apart, so pollers still make
   * the full check now and then.
   */
  async conmonProbe(id: string): Promise<(() => boolean) | undefined> {
    const pid = await this.aliveConmonPid(id);
    if (!pid) return undefined;
    const statPath = `/proc/${pid}/stat`;
    return () => {
      try {
        // "<pid> (conmon) S ...": the command name, then the state.
        return /^\d+ \(conmon\) [^Z]/.test(readFileSync(statPath, 'latin1'));
      } catch {
        return false;
      }
    };
  }

  async conmonAlive(id: string): Promise<boolean> {
    return (await this.aliveConmonPid(id)) !== undefined;
  }

  /** The pid of this container's conmon while it runs (a recycled pid is not taken for it), else undefined. */
  async aliveConmonPid(id: string): Promise<number | undefined> {
    const pid = await this.conmonPid(id);
    if (!pid) return undefined;
    try {
      process.kill(pid, 0);
      // A recycled pid is not our conmon.
      return readText(`/proc/${pid}/cmdline`).includes(id) ? pid : undefined;
    } catch {
      return undefined;
    }
  }
}
