// The two engines the client tests run every scenario against: Docker's own (the reference, so each test
// checks itself) and berthd. Both get networking of their own (a bridge and a private address pool) and the
// test images from scripts/make-test-images.sh, loaded once: no registry is ever needed.
import { before, after } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, isRoot } from './daemon.js';
import { hasDockerd, startDockerd } from './dockerd.js';
import { uniqueNetConfig } from './net.js';
import { docker } from './run.js';
import { testImages } from './images.js';

export type EngineName = 'dockerd' | 'berthd';
/** Both, unless BERTH_CLIENT_ENGINES narrows them (e.g. `berthd` while working on a fix). */
export const ENGINES: readonly EngineName[] = (
  process.env.BERTH_CLIENT_ENGINES?.split(',') ?? ['dockerd', 'berthd']
).filter((n): n is EngineName => n === 'dockerd' || n === 'berthd');

export interface Engine {
  name: EngineName;
  socketPath: string;
  /** DOCKER_HOST (and BERTH_HOST) pointing at this engine, on top of process.env. */
  env: NodeJS.ProcessEnv;
  logs(): string;
  stop(): Promise<void>;
}

/** Why the client tests cannot run here, or false. */
export const skipClients = (): string | false =>
  !isRoot() ? 'needs root' : !hasDockerd() ? 'needs dockerd (apt-get install docker.io)' : false;

export async function startEngine(name: EngineName): Promise<Engine> {
  if (name === 'dockerd') {
    const d = await startDockerd({ network: true });
    return { name, socketPath: d.socketPath, env: d.env, logs: d.logs, stop: d.stop }; // its stop ends its containers and bridges
  }
  // The embedded DNS forwards names it does not know to a loopback address that answers nothing.
  const etc = mkdtempSync(join(tmpdir(), 'berth-clients-etc-'));
  const resolvConf = join(etc, 'resolv.conf');
  writeFileSync(resolvConf, 'nameserver 127.0.0.1\n');
  try {
    const d = await startDaemon({ extraArgs: uniqueNetConfig(resolvConf).args });
    return {
      name,
      socketPath: d.socketPath,
      env: d.env,
      logs: d.logs,
      async stop() {
        // berthd's containers outlive it (conmon): remove them, and the networks' bridges and rules, first.
        const ids = (await docker(d.env, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
        if (ids.length > 0) await docker(d.env, ['rm', '-f', '-v', ...ids]);
        await docker(d.env, ['network', 'prune', '-f']);
        await d.cleanup();
        rmSync(etc, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(etc, { recursive: true, force: true });
    throw err;
  }
}

/** busybox:latest and berth-test/layered:latest, loaded with the docker CLI. */
export async function loadTestImages(engine: Engine): Promise<void> {
  const { busybox, layered } = await testImages();
  for (const archive of [busybox, layered]) {
    const r = await docker(engine.env, ['load', '-i', archive]);
    if (r.code !== 0) throw new Error(`${engine.name}: docker load ${archive}: ${r.stderr}`);
  }
}

/** The file's engines by name, and a promise of their start. */
export interface EngineLookup {
  (name: EngineName): Engine;
  /** Resolves once every engine started and was set up (rejects as the start did). node:test 20 runs a file's
   * top-level before() hooks as soon as each is declared, side by side, not one after the other: a top-level
   * before() declared after useEngines() starts while the engines are still starting, and awaits this first. Hooks
   * of a describe() and tests run after every top-level before() ended and need not. */
  ready(): Promise<void>;
}

/** Starts every engine in ENGINES side by side before the file's tests (images loaded, then `setUp` run on
 * each), stops them all after; returns the lookup the file's suites use. Nothing starts when the file is skipped. */
export function useEngines(
  skip: string | false,
  setUp: (engine: Engine) => Promise<void> = async () => undefined,
): EngineLookup {
  const started = new Map<EngineName, Engine>();
  let settled = false;
  let markStarted: () => void = () => undefined;
  let markFailed: (err: unknown) => void = () => undefined;
  const starting = new Promise<void>((resolve, reject) => {
    markStarted = resolve;
    markFailed = reject;
  });
  starting.then(
    () => (settled = true),
    () => (settled = true),
  );
  before(async () => {
    if (skip) return markStarted();
    const results = await Promise.allSettled(
      ENGINES.map(async (name) => {
        const engine = await startEngine(name);
        started.set(name, engine);
        await loadTestImages(engine);
        await setUp(engine);
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      markFailed(failed.reason);
      throw failed.reason;
    }
    markStarted();
  });
  after(async () => {
    await Promise.all([...started.values()].map((e) => e.stop()));
  });
  const lookup = (name: EngineName): Engine => {
    if (!settled) throw new Error(`${name} is still starting: await the lookup's ready() first (see EngineLookup)`);
    const engine = started.get(name);
    if (!engine) throw new Error(`${name} did not start`);
    return engine;
  };
  return Object.assign(lookup, { ready: () => starting });
}
