// RUN: the command runs in a real container made from the step's parent image (through the container service
// and the same runtime as `docker run`), its output is shown, and its rootfs upper dir becomes the layer.
// The container is removed whatever happens. RUN --mount: type=cache (a persistent directory per id),
// type=bind (from the context, a stage or an image; read-only unless rw, and then a throwaway view of its source for
// this RUN only, writable-bind.ts), type=tmpfs, type=secret and type=ssh (from a BuildKit client's session:
// session-mounts.ts).
import { createHash } from 'node:crypto';
import { mkdir, chown, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { shortId } from '../lib/ids.js';
import { resolveInRoot } from '../lib/fs/in-root.js';
import { phase } from '../lib/phases.js';
import type { Instruction } from './dockerfile/instructions.js';
import { snapshotDirs, type StageState, type StepContext } from './step-context.js';
import { BuildError, INTERMEDIATE_LABEL } from './ports.js';
import { writeStepImage, type StepImage } from './step-image.js';
import { DEFAULT_SHELL } from './metadata-steps.js';
import { hashSources, resolveSources, type CopySource } from './copy-sources.js';
import { mountReadOnly } from './fs-steps.js';
import { keepContainer } from './kept-containers.js';
import { NO_INIT_LAYER_LABEL } from '../core/containers/init-layer.js';
import { clearMountStubs, prepareSessionMounts, sessionMountKeys } from './session-mounts.js';
import { dropMountTargetStubs } from './layer-diff.js';
import { directoryView, imageView, type WritableView } from './writable-bind.js';

type RunInstruction = Extract<Instruction, { kind: 'run' }>;

/** Marks the containers RUN steps make, so a crash's leftovers can be found and removed at start. */

function commandOf(instr: RunInstruction, shell: string[]): string[] {
  if (instr.form.json) return instr.form.args;
  let command = instr.form.command;
  if (instr.heredocs.length > 0) {
    // `RUN <<EOF` alone runs the heredoc as the script; otherwise the shell reads the heredocs itself.
    const only = /^\s*<<-?\s*["']?[a-zA-Z_][a-zA-Z0-9_]*["']?\s*$/.test(command);
    const first = instr.heredocs[0];
    if (only && first) command = first.content;
    else command = [command, ...instr.heredocs.map((h) => `${h.content}${h.name}`)].join('\n');
  }
  return [...shell, command];
}

interface PreparedMounts {
  /** In the mounts' order; a writable bind's view is made only when the step runs (never for a cached step). */
  binds: (string | (() => Promise<string>))[];
  tmpfs: Record<string, string>;
  key: unknown[];
  release: (() => Promise<void>)[];
}

/** A bind of a view made when the step runs, released with the step's other mounts. */
function viewBind(out: PreparedMounts, make: () => Promise<WritableView>, target: string): () => Promise<string> {
  return async () => {
    const view = await make();
    out.release.push(() => view.release());
    return `${view.path}:${target}`;
  };
}

async function prepareMounts(run: StepContext, instr: RunInstruction, state: StageState): Promise<PreparedMounts> {
  const out: PreparedMounts = { binds: [], tmpfs: {}, key: [], release: [] };
  try {
    out.key.push(...sessionMountKeys(instr.mounts));
    for (const m of instr.mounts) {
      if (m.type === 'secret' || m.type === 'ssh') continue; // fetched only when the step runs
      if (m.type === 'tmpfs') {
        out.tmpfs[m.target] = '';
        out.key.push(['tmpfs', m.target]);
        continue;
      }
      if (m.type === 'cache') {
        const id = m.id ?? m.target;
        const dir = join(run.deps.workRoot, 'cache-mounts', createHash('sha256').update(id).digest('hex').slice(0, 32));
        await mkdir(dir, { recursive: true });
        if (m.mode !== undefined) await chmod(dir, m.mode);
        if (m.uid !== undefined || m.gid !== undefined) await chown(dir, m.uid ?? 0, m.gid ?? 0);
        out.binds.push(`${dir}:${m.target}${m.readonly ? ':ro' : ''}`);
        out.key.push(['cache', id, m.target, m.readonly]);
        continue;
      }
      // bind: from the context, or from a stage or an image
      const source = m.source ?? '/';
      const idx = m.from === undefined ? undefined : run.stageIndex(m.from, state.stage.index);
      const namedDir = m.from === undefined || idx !== undefined ? undefined : run.namedDir(m.from);
      if (m.from === undefined || namedDir) {
        const src = namedDir ?? { root: run.context.root, isContext: true, digests: run.context.fileDigests };
        const found = await resolveSources(src, source, 'RUN --mount');
        const first = found[0] as CopySource;
        // Writable: the RUN writes into a view of its own; the directory stays as its digests say.
        if (m.readonly) out.binds.push(`${first.hostPath}:${m.target}:ro`);
        else out.binds.push(viewBind(out, () => directoryView(run, src.root, first.rel), m.target));
        const hash = await hashSources(src, found);
        const rw = m.readonly ? [] : ['rw'];
        out.key.push(
          namedDir ? ['bind', m.from, source, m.target, hash, ...rw] : ['bind', source, m.target, hash, ...rw],
        );
        continue;
      }
      const image = idx !== undefined ? await run.stageResult(idx) : await run.namedImage(m.from as string, state.emit);
      if (!m.readonly) {
        out.binds.push(viewBind(out, () => imageView(run, image, source), m.target));
        out.key.push(['bind', image.record.id, source, m.target, 'rw']);
        continue;
      }
      const { root, release } = await mountReadOnly(run, image);
      out.release.push(release);
      out.binds.push(`${await resolveInRoot(root, source)}:${m.target}:ro`);
      out.key.push(['bind', image.record.id, source, m.target]);
    }
    return out;
  } catch (err) {
    for (const r of out.release) await r().catch(() => undefined);
    throw err;
  }
}

export async function runStep(
  run: StepContext,
  instr: RunInstruction,
  parent: StepImage,
  state: StageState,
  say: (t: string) => void,
): Promise<StepImage> {
  const config = parent.config.config ?? {};
  const shell = config.Shell?.length ? config.Shell : DEFAULT_SHELL;
  const argv = commandOf(instr, shell);
  const args = run.runArgs(state, parent);
  const createdBy = `${args.length > 0 ? `|${args.length} ${args.join(' ')} ` : ''}${argv.join(' ')}`;
  const network = instr.network ?? run.request.networkMode ?? 'default';
  const mounts = await prepareMounts(run, instr, state);
  try {
    const key = run.cacheKey(parent, createdBy, { network, mounts: mounts.key });
    return await run.cachedStep(key, parent, createdBy, say, async () => {
      const { containers } = run.deps;
      const env = [...(config.Env ?? []), ...args];
      const shared = await prepareSessionMounts(instr.mounts, run.request.session, run.workDir, {
        signal: run.signal,
        hasSshAuthSock: env.some((e) => e.startsWith('SSH_AUTH_SOCK=')),
      });
      mounts.release.push(() => shared.release());
      const binds: string[] = [];
      for (const b of mounts.binds) binds.push(typeof b === 'string' ? b : await b());
      const { id } = await containers.create(
        {
          Image: parent.record.id,
          Cmd: argv,
          Entrypoint: [''],
          Env: [...env, ...shared.env],
          User: config.User ?? '',
          WorkingDir: config.WorkingDir ?? '',
          // BuildKit's executor gives a step no init layer (/.dockerenv, /etc/mtab), dockerd's classic builder does.
          Labels: { [INTERMEDIATE_LABEL]: run.id, ...(run.request.steps ? { [NO_INIT_LAYER_LABEL]: 'none' } : {}) },
          HostConfig: {
            ...run.request.runHostConfig,
            NetworkMode: network,
            Binds: [...binds, ...shared.binds],
            Tmpfs: mounts.tmpfs,
          },
        },
        undefined,
      );
      phase('container-create');
      // As dockerd's classic builder: rm (the default) removes a step's container once the step succeeded,
      // forcerm whatever happened, rm=0 never; a kept container stays for the user to inspect.
      const remove = run.request.remove ?? 'on-success';
      let succeeded = false;
      try {
        say(` ---> Running in ${shortId(id)}\n`);
        const wait = containers.wait(id, 'next-exit', { signal: run.signal });
        await wait.ready;
        // The output is shown as it comes (classic stream and BuildKit's vertex logs alike), not after the exit:
        // attached before the start, followed until the container stops and its output is drained.
        const stopOutput = new AbortController();
        const output = await containers.attachOutput(id, {
          stdout: true,
          stderr: true,
          logs: true,
          stream: true,
          signal: AbortSignal.any([run.signal, stopOutput.signal]),
        });
        const shown = (async () => {
          for await (const e of output.entries)
            say(e.stream === 'stderr' ? `\u001b[91m${e.data.toString('utf8')}\u001b[0m` : e.data.toString('utf8'));
        })();
        shown.catch(() => undefined); // awaited below; a failure before then must not go unhandled
        let StatusCode: number;
        try {
          // Foreground: runc run as berthd's child, no conmon (a step's container never outlives its build).
          await containers.start(id, { signal: run.signal, foreground: true });
          ({ StatusCode } = await wait.result);
        } catch (err) {
          stopOutput.abort();
          await shown.catch(() => undefined);
          throw err;
        }
        phase('container-run');
        await shown;
        if (StatusCode !== 0)
          throw new BuildError(`The command '${argv.join(' ')}' returned a non-zero code: ${StatusCode}`, StatusCode);
        phase('logs');
        const dirs = snapshotDirs(await run.deps.snapshots.mounts(id));
        // As BuildKit: the empty files runc made to mount a file on are not part of the layer (directories are).
        await clearMountStubs(dirs.upper, dirs.lowers, [...instr.mounts.map((m) => m.target), ...shared.targets]);
        // A container removed after the step gives its snapshot to the layer (no unpack of the layer's tar); a kept
        // one (rm=0, forcerm off) keeps it, for the user to inspect.
        const adopt = remove !== 'never';
        if (adopt) await dropMountTargetStubs(dirs.upper, dirs.lowers);
        const layer = await run.commitUpper(dirs, parent, adopt ? id : undefined);
        const image = await writeStepImage(
          run.deps.content,
          parent,
          parent.config,
          { createdBy, ...(layer ? { layer } : {}) },
          (d) => run.pin(d),
        );
        phase('image');
        succeeded = true;
        return { image, size: layer?.unpackedSize ?? 0 };
      } finally {
        // A cancelled build (client gone) leaves nothing: nobody is there to inspect it.
        if (remove === 'always' || (remove === 'on-success' && succeeded) || run.signal.aborted) {
          const removing = run.defer(() => containers.remove(id, { force: true, volumes: true }));
          if (removing) {
            const removed = await removing.then(
              () => true,
              () => false,
            );
            if (removed && !run.signal.aborted) say(` ---> Removed intermediate container ${shortId(id)}\n`);
            phase('container-remove');
          }
        } else await keepContainer(run.deps.workRoot, id);
      }
    });
  } finally {
    for (const r of mounts.release) await r().catch(() => undefined);
  }
}
