// The OCI runtime's command line for one container (`<runtime> --root <state> [its args] <command> <id>`), with
// the binary the container runs under (its meta.json's, which ContainerStateDirs remembers) and
// the runtime's refusals turned into error kinds. Each command is launched without a fork of the daemon
// (lib/run-captured.ts); a kill for berth's own runc is done in the daemon when it can be (init-signal.ts).
import { join } from 'node:path';
import { failedPrecondition, internal, invalidArgument, notFound } from '../../core/errdefs.js';
import type { IoOptions, RuntimeStatus } from '../../core/runtime/runtime.js';
import type { OciState } from '../../spec/oci/runtime-spec.js';
import type { ContainerStateDirs } from './container-state.js';
import type { RuntimeBinary } from './runtime-config.js';
import { runCaptured } from '../../lib/run-captured.js';
import { signalInit } from './init-signal.js';
import { runcMessage } from './conmon-process.js';

const isMissing = (msg: string): boolean => /does not exist|not found|no such file/i.test(msg);
const stderrOf = (err: unknown): string => String((err as { stderr?: string }).stderr ?? err);

export class RuncCommands {
  constructor(
    private readonly stateRoot: string,
    private readonly runcPath: string,
    private readonly states: ContainerStateDirs,
  ) {}

  /** The runc state root every runtime binary shares. */
  get root(): string {
    return join(this.stateRoot, 'runc');
  }

  /**
   * True for berth's own runc (no other binary, no runtime args): the one whose work the daemon does itself where it
   * can (the exec fifo start, a stopped container's delete, a kill), knowing its state layout.
   */
  isOwn(binary: RuntimeBinary): boolean {
    return binary.path === this.runcPath && binary.args.length === 0;
  }

  /** The binary `id` runs under, from its meta.json (remembered by ContainerStateDirs); runc without one. */
  async binaryFor(id: string): Promise<RuntimeBinary> {
    return (await this.states.meta(id))?.runtime ?? { path: this.runcPath, args: [] };
  }

  async run(id: string, args: string[], options: IoOptions = {}): Promise<{ stdout: string; stderr: string }> {
    const bin = await this.binaryFor(id);
    return runCaptured(bin.path, ['--root', this.root, ...bin.args, ...args], {
      maxBuffer: 16 * 1024 * 1024,
      signal: options.signal,
    });
  }

  async kill(id: string, signal: number, options: IoOptions = {}): Promise<void> {
    // berth's own runc: the init signalled in the daemon when runc's checks pass there (init-signal.ts).
    if (this.isOwn(await this.binaryFor(id)) && (await signalInit(this.root, id, signal)) === 'signalled') return;
    try {
      await this.run(id, ['kill', id, String(signal)], options);
    } catch (err) {
      const msg = stderrOf(err);
      if (/not running|process already finished|container not running/i.test(msg))
        throw failedPrecondition(`container ${id} is not running`);
      if (isMissing(msg)) throw notFound(`No such container: ${id}`);
      throw internal(`kill failed: ${msg.trim()}`);
    }
  }

  async pause(id: string, options: IoOptions = {}): Promise<void> {
    await this.run(id, ['pause', id], options).catch((err: unknown) => {
      throw failedPrecondition(`cannot pause container ${id}: ${stderrOf(err).trim()}`);
    });
  }

  async resume(id: string, options: IoOptions = {}): Promise<void> {
    await this.run(id, ['resume', id], options).catch((err: unknown) => {
      throw failedPrecondition(`cannot unpause container ${id}: ${stderrOf(err).trim()}`);
    });
  }

  async status(id: string, options: IoOptions = {}): Promise<{ status: RuntimeStatus; pid: number }> {
    try {
      const { stdout } = await this.run(id, ['state', id], options);
      const state = JSON.parse(stdout) as OciState;
      const status: RuntimeStatus =
        state.status === 'running' ? 'running' : state.status === 'paused' ? 'paused' : 'stopped';
      return { status, pid: state.pid ?? 0 };
    } catch {
      return { status: 'absent', pid: 0 };
    }
  }

  async update(id: string, args: string[], options: IoOptions = {}): Promise<void> {
    await this.run(id, ['update', ...args, id], options).catch((err: unknown) => {
      // runc's error lines' words; its warning that rolling the cgroup back failed too is not the user's news.
      const errorLines = stderrOf(err)
        .split('\n')
        .filter((l) => !/\blevel=warning\b/.test(l))
        .join('\n');
      throw invalidArgument(`Cannot update container ${id}: ${runcMessage(errorLines)}`);
    });
  }
}
