// COPY, ADD and WORKDIR: written straight into a snapshot of the parent image (mounted writable on a private
// mount point, every path resolved in-root), whose upper dir then becomes the step's layer. COPY --from reads
// a stage's or an image's tree mounted read-only. Mounts and snapshots are undone whatever happens.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { join, posix } from 'node:path';
import { resolveInRoot } from '../lib/fs/in-root.js';
import { phase } from '../lib/phases.js';
import { resolveUser } from '../core/runtime/user.js';
import { isEngineError } from '../core/errdefs.js';
import type { LayerRecord } from '../core/images/image-record.js';
import type { Instruction } from './dockerfile/instructions.js';
import { snapshotDirs, type StageState, type StepContext } from './step-context.js';
import { BuildError } from './ports.js';
import { cloneConfig, writeStepImage, type StepImage } from './step-image.js';
import { DEFAULT_SHELL } from './metadata-steps.js';
import { hashSources, resolveSources, type CopySource, type SourceRoot } from './copy-sources.js';
import {
  copyIntoRoot,
  isDirInRoot,
  mkdirAllInRoot,
  writeContentInRoot,
  type Ownership,
  type WriteOptions,
} from './in-root-write.js';
import { archiveKind, extractArchiveInRoot } from './add-archive.js';
import { workdirInUpper } from './upper-workdir.js';
import { fetchUrl, isUrlSource, type FetchedUrl } from './url-source.js';

type CopyInstruction = Extract<Instruction, { kind: 'copy' | 'add' }>;

/** An image's tree mounted read-only on a private directory. */
export async function mountReadOnly(
  run: StepContext,
  image: StepImage,
): Promise<{ root: string; release: () => Promise<void> }> {
  const root = join(run.workDir, `ro-${randomBytes(6).toString('hex')}`);
  await mkdir(root, { recursive: true });
  const top = image.record.layers.at(-1)?.chainId;
  if (!top) return { root, release: () => rm(root, { recursive: true, force: true }) };
  await run.deps.mounter.mount(await run.deps.snapshots.mounts(top), root, { readonly: true });
  return {
    root,
    release: async () => {
      await run.deps.mounter.unmount(root);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `write` on a writable snapshot of `parent`; its changes become a layer (undefined if none). `unmounted`, when
 * given, is tried first on the snapshot's dirs as they are (no mount); it answers false to have `write` run instead.
 * A snapshot that is a plain directory (bind) is written in place: mounting it would show the same tree.
 */
async function withWritableRoot(
  run: StepContext,
  parent: StepImage,
  write: (root: string) => Promise<void>,
  unmounted?: (dirs: { upper: string; lowers: string[] }) => Promise<boolean>,
): Promise<LayerRecord | undefined> {
  const key = `build-${run.id}-${randomBytes(6).toString('hex')}`;
  const root = join(run.workDir, key);
  await mkdir(root, { recursive: true });
  try {
    // Write-behind: the snapshot's record (its table write and fsync) lands while the step writes; its commit or
    // removal waits for it. A crash before it lands leaves a directory no record names, which start-up removes.
    const mounts = await run.deps.snapshots.prepare(key, parent.record.layers.at(-1)?.chainId, {
      signal: run.signal,
      writeBehind: true,
    });
    phase('snapshot-prepare');
    const dirs = snapshotDirs(mounts);
    if (mounts.length === 1 && mounts[0]?.type === 'bind') {
      await write(dirs.upper);
      phase('write');
      return await run.commitUpper(dirs, parent, key);
    }
    if (unmounted && (await unmounted(dirs))) {
      phase('write-upper');
      return await run.commitUpper(dirs, parent, key);
    }
    await run.deps.mounter.mount(mounts, root);
    phase('snapshot-mount');
    try {
      await write(root);
      phase('write');
    } finally {
      await run.deps.mounter.unmount(root);
      phase('unmount');
    }
    return await run.commitUpper(dirs, parent, key);
  } finally {
    // The snapshot (none left when it became the layer) and the mount point go while the next steps run, where the
    // build defers clean-up (BuildKit's); the build ends once they are gone, and start-up removes what a crash left.
    const removing = run.defer(async () => {
      await run.deps.snapshots.remove(key).catch(() => undefined);
      await rm(root, { recursive: true, force: true }).catch(() => undefined);
    });
    if (removing) {
      await removing;
      phase('snapshot-remove');
    }
  }
}

const shellOf = (image: StepImage): string[] =>
  image.config.config?.Shell?.length ? image.config.config.Shell : DEFAULT_SHELL;

/** --chown names resolved against the image's own /etc/passwd and /etc/group. */
async function ownership(root: string, chown: string | undefined): Promise<Ownership | undefined> {
  if (!chown) return undefined;
  const read = async (p: string): Promise<string> => readFile(await resolveInRoot(root, p), 'utf8').catch(() => '');
  try {
    const user = resolveUser(chown, await read('/etc/passwd'), await read('/etc/group'));
    return { uid: user.uid, gid: user.gid };
  } catch (err) {
    throw new BuildError(isEngineError(err) ? err.message : String(err), 1);
  }
}

function parseChmod(chmod: string | undefined): number | undefined {
  if (chmod === undefined) return undefined;
  if (!/^[0-7]{3,4}$/.test(chmod)) throw new BuildError(`invalid chmod parameter: ${chmod}`, 1);
  return parseInt(chmod, 8);
}

const contextTreeId = (run: StepContext): string | undefined =>
  run.context.contentId === undefined ? undefined : `context:${run.context.contentId}`;

export async function copyStep(
  run: StepContext,
  instr: CopyInstruction,
  parent: StepImage,
  state: StageState,
  say: (t: string) => void,
): Promise<StepImage> {
  const cmd = instr.kind.toUpperCase();
  const expand = run.expander(state, parent, instr.line);
  const mode = parseChmod(instr.chmod);
  const releases: (() => Promise<void>)[] = [];
  // The source mounts go once the copy is written, beside the target's unmount and commit (not after them).
  let released: Promise<void> | undefined;
  const release = (): Promise<void> =>
    (released ??= (async () => {
      await Promise.all(releases.splice(0).map((r) => r().catch(() => undefined)));
    })());
  try {
    let fromImage: StepImage | undefined;
    let fromDir: SourceRoot | undefined;
    if (instr.from !== undefined) {
      const from = expand.word(instr.from);
      const idx = run.stageIndex(from, state.stage.index);
      fromDir = idx === undefined ? run.namedDir(from) : undefined;
      if (!fromDir) fromImage = idx !== undefined ? await run.stageResult(idx) : await run.namedImage(from, state.emit);
      phase('from-image');
    }
    const fromId = fromImage?.record.id;
    const heredocs = new Map(instr.heredocs.map((h) => [`<<${h.name}`, h]));
    const patterns: string[] = [];
    const urls: string[] = [];
    const inline: { name: string; content: string }[] = [];
    for (const raw of instr.sources) {
      const doc = heredocs.get(raw);
      if (doc) {
        inline.push({ name: doc.name, content: doc.content });
        continue;
      }
      const pattern = expand.word(raw);
      if (isUrlSource(pattern)) {
        if (instr.kind === 'copy') throw new BuildError("source can't be a URL for COPY", 1);
        urls.push(pattern);
      } else patterns.push(pattern);
    }
    // Fetched now: their content is part of the step's cache key (dockerd's classic builder does the same).
    const fetched: FetchedUrl[] = [];
    for (const [i, url] of urls.entries()) {
      const dir = join(run.workDir, `url-${randomBytes(6).toString('hex')}-${i}`);
      releases.push(() => rm(dir, { recursive: true, force: true }));
      fetched.push(await fetchUrl(url, dir, { checksum: instr.checksum, signal: run.signal }));
      phase('url-fetch');
    }
    // The source tree: the context, or the image mounted read-only, only when something needs to read it.
    let resolved: { src: SourceRoot; sources: CopySource[] } | undefined;
    const resolve = async (): Promise<{ src: SourceRoot; sources: CopySource[] }> => {
      if (resolved) return resolved;
      let src: SourceRoot = fromDir ?? { root: run.context.root, isContext: true, digests: run.context.fileDigests };
      if (fromImage) {
        const mounted = await mountReadOnly(run, fromImage);
        releases.push(mounted.release);
        phase('from-mount');
        src = { root: mounted.root, isContext: false };
      }
      const sources: CopySource[] = [];
      for (const pattern of patterns) sources.push(...(await resolveSources(src, pattern, cmd)));
      resolved = { src, sources };
      return resolved;
    };
    // An image ID, or the synced context's content ID, names an unchanging tree: its hash is remembered.
    const treeId = fromId ?? (fromDir ? undefined : contextTreeId(run));
    let hashed = treeId ? run.imageSourceHashes.get(treeId, patterns) : undefined;
    if (!hashed) {
      const { src, sources } = await resolve();
      hashed = { digest: await hashSources(src, sources), count: sources.length, firstIsDir: !!sources[0]?.isDir };
      if (treeId && treeId === (fromId ?? contextTreeId(run))) run.imageSourceHashes.set(treeId, patterns, hashed);
    }
    const destRaw = expand.word(instr.dest);
    const workdir = parent.config.config?.WorkingDir || '/';
    const dest = posix.isAbsolute(destRaw) ? destRaw : posix.join(workdir, destRaw);
    const count = hashed.count + inline.length + fetched.length;
    const destIsDir = destRaw.endsWith('/') || destRaw === '.' || destRaw.endsWith('/.');
    if (count > 1 && !destIsDir)
      throw new BuildError(
        `When using ${cmd} with more than one source file, the destination must be a directory and end with a /`,
        1,
      );
    const hash = createHash('sha256').update(hashed.digest);
    for (const i of inline) hash.update(`<<${i.name}\0${i.content}`);
    for (const f of fetched) hash.update(`${f.url}\0${f.name}\0${f.digest}\0${f.lastModified ?? ''}`);
    const kind = count > 1 ? 'multi' : hashed.firstIsDir ? 'dir' : 'file';
    const createdBy = [...shellOf(parent), `#(nop) ${cmd} ${kind}:${hash.digest('hex')} in ${destRaw} `].join(' ');
    const key = run.cacheKey(parent, createdBy, {
      chown: instr.chown ?? null,
      chmod: instr.chmod ?? null,
      from: fromId ?? null,
    });
    return await run.cachedStep(key, parent, createdBy, say, async () => {
      const { src, sources } = await resolve();
      const layer = await withWritableRoot(run, parent, async (root) => {
        const options: WriteOptions = {
          owner: await ownership(root, instr.chown === undefined ? undefined : expand.word(instr.chown)),
          mode,
        };
        const intoDir = destIsDir || (await isDirInRoot(root, dest));
        for (const s of sources) {
          if (s.isDir) {
            await copyIntoRoot(src, s.hostPath, s.rel, root, dest, options);
            continue;
          }
          const archive = instr.kind === 'add' && src.isContext ? await archiveKind(s.hostPath) : undefined;
          if (archive) await extractArchiveInRoot(s.hostPath, archive, root, dest, options);
          else
            await copyIntoRoot(
              src,
              s.hostPath,
              s.rel,
              root,
              intoDir ? posix.join(dest, posix.basename(s.rel || s.hostPath)) : dest,
              options,
            );
        }
        for (const i of inline)
          await writeContentInRoot(root, intoDir ? posix.join(dest, i.name) : dest, i.content, options);
        for (const f of fetched) {
          const from: SourceRoot = { root: posix.dirname(f.hostPath), isContext: false };
          await copyIntoRoot(from, f.hostPath, f.name, root, intoDir ? posix.join(dest, f.name) : dest, options);
        }
        void release();
      });
      const image = await writeStepImage(
        run.deps.content,
        parent,
        parent.config,
        { createdBy, ...(layer ? { layer } : {}) },
        (d) => run.pin(d),
      );
      phase('image');
      return { image, size: layer?.unpackedSize ?? 0 };
    });
  } finally {
    if (releases.length > 0 || released) {
      await release();
      phase('from-unmount');
    }
  }
}

export async function workdirStep(
  run: StepContext,
  instr: { line: number; value: string },
  parent: StepImage,
  state: StageState,
  say: (t: string) => void,
): Promise<StepImage> {
  const value = run.expander(state, parent, instr.line).word(instr.value);
  const path = posix.resolve(parent.config.config?.WorkingDir || '/', value);
  const config = cloneConfig(parent.config);
  (config.config ??= {}).WorkingDir = path;
  const createdBy = [...shellOf(parent), `#(nop) WORKDIR ${path}`].join(' ');
  return run.cachedStep(
    run.cacheKey(parent, createdBy),
    parent,
    createdBy,
    say,
    async () => {
      const layer = await withWritableRoot(
        run,
        parent,
        async (root) => {
          await mkdirAllInRoot(root, path);
        },
        (dirs) => workdirInUpper(dirs.upper, dirs.lowers, path),
      );
      const image = await writeStepImage(
        run.deps.content,
        parent,
        config,
        { createdBy, ...(layer ? { layer } : {}) },
        (d) => run.pin(d),
      );
      return { image, size: layer?.unpackedSize ?? 0 };
    },
    config,
  );
}
