// One build: the stages the target needs (others skipped), started together so independent stages build in
// parallel (a stage waits for the stages it copies from or builds on), their output shown in stage order.
// Each step is looked up in the build cache first; a miss runs it and records what it made.
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sha256, type Digest } from '../lib/digest.js';
import { shortId } from '../lib/ids.js';
import { nowRfc3339Nano } from '../lib/time.js';
import { phase, timedPhases } from '../lib/phases.js';
import { isKind } from '../core/errdefs.js';
import type { LayerRecord } from '../core/images/image-record.js';
import { MEDIA_TYPES, type ImageConfigFile } from '../spec/oci/image.js';
import { chainIds } from '../engine/images/layer-unpacker.js';
import { parseStages, type Dockerfile, type Instruction, type Stage } from './dockerfile/instructions.js';
import { ShellLex, envMap } from './dockerfile/shell-lex.js';
import type { BuildContext } from './build-context.js';
import { BuildError, type BuildMessage, type BuilderDeps, type BuildRequest } from './ports.js';
import { OrderedOutput } from './ordered-output.js';
import { BaseImages } from './base-images.js';
import { CacheSources } from './cache-sources.js';
import { InlineCacheFrom } from './inline-cache.js';
import { cloneConfig, scratchImage, writeStepImage, type StepImage } from './step-image.js';
import { applyMetadata, DEFAULT_SHELL, nopCreatedBy, type Expander } from './metadata-steps.js';
import { diffUpperDir } from './layer-diff.js';
import type { StageState, StepContext } from './step-context.js';
import { runStep } from './run-step.js';
import { copyStep, workdirStep } from './fs-steps.js';
import { StageObserver } from './stage-observer.js';
import type { ImageSourceHashes } from './image-source-hashes.js';
import type { SourceRoot } from './copy-sources.js';
import { findNamedContext, namedDirSource } from './named-contexts.js';

const EMPTY_TAR = sha256(Buffer.alloc(1024));

/** Build args Docker allows without an ARG (proxies); never reported as unused. */
const PREDEFINED_ARGS = new Set([
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
]);

export class BuildRun implements StepContext {
  readonly id = randomBytes(8).toString('hex');
  readonly pinned = { blobs: new Set<string>(), chains: new Set<string>() };
  readonly usedArgs = new Set<string>();
  readonly metaArgs = new Map<string, string>();
  private readonly results = new Map<number, Promise<StepImage>>();
  private readonly abort = new AbortController();
  readonly signal: AbortSignal;
  readonly lex: ShellLex;
  private readonly baseImages: BaseImages;
  private readonly cacheSources: CacheSources;
  private readonly inlineCacheFrom: InlineCacheFrom;

  constructor(
    readonly deps: BuilderDeps,
    readonly request: BuildRequest,
    readonly context: BuildContext,
    readonly dockerfile: Dockerfile,
    signal: AbortSignal | undefined,
    readonly imageSourceHashes: ImageSourceHashes,
    private readonly options: { deferCleanup?: boolean } = {},
  ) {
    this.signal = signal ? AbortSignal.any([signal, this.abort.signal]) : this.abort.signal;
    this.baseImages = new BaseImages(deps, request, this.signal);
    this.cacheSources = new CacheSources(deps, request.cacheFrom ?? [], (d) => this.pin(d));
    this.inlineCacheFrom = new InlineCacheFrom(
      request.inlineCacheFrom ?? [],
      (name) => this.baseImages.get(name, () => undefined, 'cache'),
      (image, err) => deps.logger.warn({ image, err }, 'cache-from image unavailable, skipped'),
    );
    this.lex = new ShellLex(dockerfile.escape);
    for (const a of dockerfile.metaArgs)
      for (const { key, value } of a.args) {
        this.usedArgs.add(key);
        const given = this.request.buildArgs[key];
        const resolved =
          typeof given === 'string'
            ? given
            : value !== undefined
              ? new ShellLex(dockerfile.escape, a.line).processWord(value, this.metaArgs)
              : undefined;
        if (resolved !== undefined) this.metaArgs.set(key, resolved);
      }
  }

  get workDir(): string {
    return join(this.deps.workRoot, 'mnt', this.id);
  }

  pin(digest: string): void {
    this.pinned.blobs.add(digest);
  }

  /** Clean-up the build waits for before it ends, not before its next step. */
  private readonly deferred: Promise<unknown>[] = [];

  defer(cleanup: () => Promise<unknown>): Promise<unknown> | undefined {
    if (!this.options.deferCleanup) return cleanup();
    this.deferred.push(cleanup().catch(() => undefined));
    return undefined;
  }

  /** A stage referenced by name or index from stage `from` (earlier stages only), or undefined (an image). */
  stageIndex(ref: string, from: number): number | undefined {
    // A named context of that name replaces the stage.
    if (findNamedContext(this.context.named, ref)) return undefined;
    const lower = ref.toLowerCase();
    const byName = this.dockerfile.stages.find((s) => s.name === lower && s.index < from);
    if (byName) return byName.index;
    if (/^\d+$/.test(ref) && Number(ref) < from) return Number(ref);
    return undefined;
  }

  fromImageName(stage: Stage): string {
    return new ShellLex(this.dockerfile.escape, stage.from.line).processWord(stage.from.image, this.metaArgs);
  }

  private dependencies(stage: Stage): number[] {
    const deps = new Set<number>();
    const add = (ref: string | undefined): void => {
      if (ref === undefined) return;
      const i = this.stageIndex(ref, stage.index);
      if (i !== undefined) deps.add(i);
    };
    add(this.fromImageName(stage));
    for (const i of stage.instructions) {
      if (i.kind === 'copy') add(i.from);
      if (i.kind === 'run') for (const m of i.mounts) add(m.from);
    }
    return [...deps];
  }

  /** Runs the build; returns the target stage's image. */
  async execute(emit: (m: BuildMessage) => void): Promise<StepImage> {
    const { stages } = this.dockerfile;
    let target = stages[stages.length - 1] as Stage;
    if (this.request.target) {
      const found = stages.find((s) => s.name === this.request.target?.toLowerCase());
      if (!found) throw new BuildError(`failed to reach build target ${this.request.target} in Dockerfile`, 1);
      target = found;
    }
    if (Object.keys(this.request.labels).length > 0) {
      const q = (s: string): string => `"${s.replace(/[\\"$]/g, '\\$&')}"`;
      const pairs = Object.entries(this.request.labels).map(([k, v]) => ({ key: q(k), value: q(v) }));
      target = {
        ...target,
        instructions: [
          ...target.instructions,
          {
            kind: 'label',
            line: 0,
            original: `LABEL ${Object.entries(this.request.labels)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}`,
            pairs,
          },
        ],
      };
    }
    const needed = new Set<number>();
    const visit = (s: Stage): void => {
      if (needed.has(s.index)) return;
      needed.add(s.index);
      for (const d of this.dependencies(s)) visit(stages[d] as Stage);
    };
    visit(target);
    const order = stages.filter((s) => needed.has(s.index)).map((s) => (s.index === target.index ? target : s));
    // Docker's classic builder counts the ARGs before the first FROM as steps (shown without an image).
    const metaSteps = this.dockerfile.metaArgs.length;
    const total = metaSteps + order.reduce((n, s) => n + 1 + s.instructions.length, 0);
    this.dockerfile.metaArgs.forEach((a, i) => emit({ stream: `Step ${i + 1}/${total} : ${a.original}\n` }));
    const output = new OrderedOutput(emit, order.length);
    await mkdir(this.workDir, { recursive: true });
    try {
      let base = metaSteps;
      for (const [slot, stage] of order.entries()) {
        const first = base;
        base += 1 + stage.instructions.length;
        const result = this.runStage(stage, first, total, (m) => output.write(slot, m)).finally(() =>
          output.finish(slot),
        );
        result.catch(() => this.abort.abort());
        this.results.set(stage.index, result);
      }
      const settled = await Promise.allSettled([...this.results.values()]);
      const failed = settled.find(
        (r): r is PromiseRejectedResult =>
          r.status === 'rejected' && !isKind(r.reason, 'Canceled') && (r.reason as Error).name !== 'AbortError',
      );
      const anyFailed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      // Output held for stages after a failure is dropped: a sequential build would never have run them.
      if (failed || anyFailed) throw (failed ?? anyFailed)?.reason;
      return await (this.results.get(target.index) as Promise<StepImage>);
    } finally {
      await Promise.all(this.deferred);
      await rm(this.workDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  namedImage(name: string, emit: (m: BuildMessage) => void): Promise<StepImage> {
    return this.baseImages.get(this.imageName(name), emit);
  }

  /** The image `ref` stands for: a `docker-image://` named context's, else itself. */
  private imageName(ref: string): string {
    const named = findNamedContext(this.context.named, ref);
    return named?.kind === 'image' ? named.ref : ref;
  }

  namedDir(ref: string): SourceRoot | undefined {
    const named = findNamedContext(this.context.named, ref);
    return named?.kind === 'dir' ? namedDirSource(named) : undefined;
  }

  stageResult(index: number): Promise<StepImage> {
    const r = this.results.get(index);
    if (!r) throw new BuildError(`stage ${index} is not part of this build`, 1);
    return r;
  }

  private async resolveFrom(stage: Stage, state: StageState): Promise<StepImage> {
    const name = this.fromImageName(stage);
    const idx = this.stageIndex(name, stage.index);
    if (idx !== undefined) return this.stageResult(idx);
    if (this.namedDir(name)) {
      // BuildKit's stage is the directory itself; berth's is one layer of it on scratch.
      const copy: Instruction = {
        kind: 'copy',
        line: stage.from.line,
        original: `COPY --from=${name} . /`,
        sources: ['.'],
        dest: '/',
        from: name,
        chown: undefined,
        chmod: undefined,
        heredocs: [],
      };
      return copyStep(this, copy, scratchImage(this.request.platform), state, () => undefined);
    }
    if (name.toLowerCase() === 'scratch') return scratchImage(this.request.platform);
    return this.namedImage(name, state.emit);
  }

  private async runStage(
    stage: Stage,
    first: number,
    total: number,
    emit: (m: BuildMessage) => void,
  ): Promise<StepImage> {
    const say = (text: string): void => emit({ stream: text });
    let step = first;
    say(`Step ${++step}/${total} : ${stage.from.original}\n`);
    const observed = new StageObserver(this.request.steps, stage, this.dockerfile.stages.length);
    const fromName = this.fromImageName(stage);
    const fromImage =
      this.stageIndex(fromName, stage.index) === undefined &&
      fromName.toLowerCase() !== 'scratch' &&
      !this.namedDir(fromName)
        ? this.imageName(fromName)
        : undefined;
    const fromStep = observed.begin(`FROM ${fromName}`, fromImage);
    const state: StageState = { stage, args: new Map(), flags: { cmdSet: false }, emit };
    let image = await fromStep.track(() => this.resolveFrom(stage, state));
    const triggers = image.config.config?.OnBuild ?? [];
    if (triggers.length > 0) {
      // The base image's ONBUILD triggers run first, as Docker's classic builder runs them; the child does not inherit them.
      say(`# Executing ${triggers.length} build trigger${triggers.length === 1 ? '' : 's'}\n`);
      const config = cloneConfig(image.config);
      if (config.config) config.config.OnBuild = null;
      image = { record: image.record, config };
      for (const trigger of triggers) {
        let parsed: Instruction | undefined;
        try {
          parsed = parseStages(`FROM scratch\n${trigger}\n`).stages[0]?.instructions[0];
        } catch (err) {
          throw new BuildError(
            `failed to process ONBUILD trigger ${JSON.stringify(trigger)}: ${(err as Error).message}`,
            1,
          );
        }
        if (parsed) image = await this.dispatch(parsed, image, state, say);
      }
    }
    say(` ---> ${image.record.id ? shortId(image.record.id) : ''}\n`);
    for (const instr of stage.instructions) {
      this.signal.throwIfAborted();
      say(`Step ${++step}/${total} : ${instr.original}\n`);
      const observedStep = observed.step(instr);
      const parent = image;
      image = await observedStep.track(() =>
        timedPhases(this.deps.logger, 'build-step', { build: this.id, step: instr.original.slice(0, 80) }, () =>
          this.dispatch(instr, parent, state, observedStep.say(say)),
        ),
      );
      say(` ---> ${shortId(image.record.id)}\n`);
    }
    return image;
  }

  /** Values for expanding words: the stage's ARGs, overridden by the image's ENV. */
  expander(state: StageState, image: StepImage, line: number): Expander {
    const env = new Map<string, string>();
    for (const [k, v] of state.args) if (v !== undefined) env.set(k, v);
    for (const [k, v] of envMap(image.config.config?.Env ?? [])) env.set(k, v);
    const lex = new ShellLex(this.dockerfile.escape, line);
    return { word: (t) => lex.processWord(t, env), words: (t) => lex.processWords(t, env) };
  }

  /** KEY=value for the build args a RUN sees (declared, with a value, not shadowed by ENV), sorted. */
  runArgs(state: StageState, image: StepImage): string[] {
    const envKeys = new Set(envMap(image.config.config?.Env ?? []).keys());
    return [...state.args.entries()]
      .filter(([k, v]) => v !== undefined && !envKeys.has(k))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v as string}`);
  }

  private async dispatch(
    instr: Instruction,
    image: StepImage,
    state: StageState,
    say: (t: string) => void,
  ): Promise<StepImage> {
    switch (instr.kind) {
      case 'run':
        return runStep(this, instr, image, state, say);
      case 'copy':
      case 'add':
        return copyStep(this, instr, image, state, say);
      case 'workdir':
        return workdirStep(this, instr, image, state, say);
      case 'from':
        throw new Error('FROM inside a stage');
      case 'arg':
        for (const { key, value } of instr.args) {
          this.usedArgs.add(key);
          const given = this.request.buildArgs[key];
          const resolved =
            typeof given === 'string'
              ? given
              : value !== undefined
                ? this.expander(state, image, instr.line).word(value)
                : this.metaArgs.get(key);
          state.args.set(key, resolved);
        }
        return this.metadataStep(instr, image, state, say);
      default:
        return this.metadataStep(instr, image, state, say);
    }
  }

  private async metadataStep(
    instr: Instruction,
    image: StepImage,
    state: StageState,
    say: (t: string) => void,
  ): Promise<StepImage> {
    const config = cloneConfig(image.config);
    const comment = applyMetadata(instr, config, this.expander(state, image, instr.line), state.flags);
    const createdBy = nopCreatedBy(config.config?.Shell?.length ? config.config.Shell : DEFAULT_SHELL, comment);
    return this.cachedStep(
      this.cacheKey(image, createdBy),
      image,
      createdBy,
      say,
      async () => ({
        image: await writeStepImage(this.deps.content, image, config, { createdBy }, (d) => this.pin(d)),
        size: 0,
      }),
      config,
    );
  }

  cacheKey(parent: StepImage, createdBy: string, extra: unknown = null): string {
    return createHash('sha256')
      .update(JSON.stringify([parent.record.id, createdBy, extra]))
      .digest('hex');
  }

  /**
   * The cached result of a step, or runs it and records it. `config` is the config the step's image gets
   * (the parent's unless the step changes it), for a step restored from a cache-from image.
   */
  async cachedStep(
    key: string,
    parent: StepImage,
    createdBy: string,
    say: (t: string) => void,
    produce: () => Promise<{ image: StepImage; size: number }>,
    config: ImageConfigFile = parent.config,
  ): Promise<StepImage> {
    phase('cache-key');
    if (!this.request.noCache) {
      const hit = this.deps.cache.get(key);
      if (hit && (await this.deps.content.has(hit.image.id as Digest))) {
        const image = { record: hit.image, config: await this.deps.images.config(hit.image.id) };
        if (!this.cacheSources.active || (await this.cacheSources.allows(image))) {
          say(' ---> Using cache\n');
          this.deps.cache.touch(key, nowRfc3339Nano());
          phase('cache-hit');
          return image;
        }
      }
      const restored =
        (await this.inlineCacheFrom.match(this.deps.content, key, parent, config, createdBy, (d) => this.pin(d))) ??
        (this.cacheSources.active ? await this.cacheSources.match(parent, createdBy, config) : undefined);
      if (restored) {
        say(' ---> Using cache\n');
        const now = nowRfc3339Nano();
        this.deps.cache.put({
          key,
          image: restored.record,
          parent: parent.record.id,
          description: createdBy,
          size: 0,
          created: now,
          lastUsed: now,
          usageCount: 0,
        });
        return restored;
      }
    }
    phase('cache-lookup');
    const { image, size } = await produce();
    const now = nowRfc3339Nano();
    this.deps.cache.put({
      key,
      image: image.record,
      parent: parent.record.id,
      description: createdBy,
      size,
      created: now,
      lastUsed: now,
      usageCount: 0,
    });
    return image;
  }

  /**
   * An upper dir as the step's layer: stored, committed as a snapshot; undefined when nothing changed. With
   * `activeKey` (the active snapshot holding that upper dir, on the parent's top layer) the snapshot itself becomes
   * the layer's, instead of the stored tar being unpacked again; the caller then finds the key gone.
   */
  async commitUpper(
    dirs: { upper: string; lowers: string[] },
    parent: StepImage,
    activeKey?: string,
  ): Promise<LayerRecord | undefined> {
    const blob = await this.deps.content.ingest(
      diffUpperDir(dirs.upper, dirs.lowers),
      {},
      { signal: this.signal, lease: { add: (d) => this.pin(d) } },
    );
    phase('layer-tar');
    if (blob.digest === EMPTY_TAR) return undefined;
    const layers = [
      ...parent.record.layers.map((l) => ({ blob: l.blob, mediaType: l.mediaType, diffId: l.diffId })),
      { blob: blob.digest, mediaType: MEDIA_TYPES.ociLayer, diffId: blob.digest },
    ];
    const chainId = chainIds(layers.map((l) => l.diffId)).at(-1) as Digest;
    this.pinned.chains.add(chainId);
    const sizes = activeKey
      ? [await this.deps.images.adoptLayer(chainId, activeKey, { signal: this.signal })]
      : await this.deps.images.unpackLayers(layers, { signal: this.signal });
    phase(activeKey ? 'layer-commit' : 'layer-unpack');
    return {
      blob: blob.digest,
      mediaType: MEDIA_TYPES.ociLayer,
      size: blob.size,
      diffId: blob.digest,
      chainId,
      unpackedSize: sizes.at(-1) ?? 0,
    };
  }

  /** Names pulled only as cache sources, not in the store before the build (see BaseImages.cacheOnlyPulls). */
  cacheOnlyPulls(): string[] {
    return this.baseImages.cacheOnlyPulls();
  }

  /** Unused --build-arg names, for Docker's warning. */
  unusedArgs(): string[] {
    return Object.keys(this.request.buildArgs)
      .filter((k) => !this.usedArgs.has(k) && !PREDEFINED_ARGS.has(k))
      .sort();
  }
}
