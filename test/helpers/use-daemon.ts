// The set-up most e2e files share: one berthd started before the file's tests, busybox loaded into it from the local
// fixture, the docker CLI pointed at it (`daemon.env`); after the tests every container left is removed and the
// daemon stopped, its roots and rules removed. A restart (after stop() or kill9()) keeps the roots and the flags.
// Files that run the same scenarios on Docker's engine get a dockerd beside it the same way (useDockerd; its restart
// after stop({ keepRoots: true })). node:test 20 runs a file's top-level before() hooks side by side and its after()
// hooks one at a time in the order registered: a file's own after() registered after these runs once they are done.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type StartOptions, type TestDaemon } from './daemon.js';
import { startDockerd, type DockerEngine, type DockerdOptions } from './dockerd.js';
import { berth, docker } from './run.js';
import { testImages } from './images.js';

export interface UseDaemonOptions {
  /** berthd's start options, asked when the file's tests begin (a flag may name what the file makes first). */
  start?: () => StartOptions | Promise<StartOptions>;
  /** The client that loads busybox, or 'none' for files that test loading themselves. Default: the docker CLI. */
  load?: 'docker' | 'berth' | 'none';
  /** The file's own set-up that needs the daemon (a long-running container), once busybox is loaded. node:test 20
   * runs a file's top-level before() hooks side by side, so a separate before() would not wait for the daemon. */
  setUp?: (daemon: TestDaemon) => Promise<void>;
  /** The file's own tear-down that needs the daemon (volume prune), after the containers left were removed. */
  tearDown?: (daemon: TestDaemon) => Promise<void>;
}

export interface UsedDaemon extends TestDaemon {
  /** berthd again on the same roots with the same flags, once this one has exited (stop, kill9): restarts. */
  startAgain(): Promise<void>;
}

/** Registers the file's before() and after() hooks; the daemon they start is reached through the returned object,
 * whose fields follow a restart. Nothing starts when `skip` says why not. */
export function useDaemon(skip: string | false, options: UseDaemonOptions = {}): UsedDaemon {
  let current: TestDaemon | undefined;
  let startOptions: StartOptions = {};
  const get = (): TestDaemon => {
    if (!current) throw new Error('berthd did not start (the file is skipped, or its before() failed)');
    return current;
  };

  before(async () => {
    if (skip) return;
    startOptions = (await options.start?.()) ?? {};
    const daemon = (current = await startDaemon(startOptions));
    if (options.load !== 'none') {
      const client = options.load === 'berth' ? berth : docker;
      const load = await client(daemon.env, ['load', '-i', (await testImages()).busybox]);
      assert.equal(load.code, 0, load.stderr);
    }
    await options.setUp?.(daemon);
  });
  after(async () => {
    if (!current) return;
    const left = (await docker(current.env, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (left.length > 0) await docker(current.env, ['rm', '-f', ...left]);
    await options.tearDown?.(current);
    await current.cleanup();
  });

  return {
    get dir() {
      return get().dir;
    },
    get socketPath() {
      return get().socketPath;
    },
    get dataRoot() {
      return get().dataRoot;
    },
    get execRoot() {
      return get().execRoot;
    },
    get env() {
      return get().env;
    },
    get process() {
      return get().process;
    },
    logs: () => get().logs(),
    stop: () => get().stop(),
    kill9: () => get().kill9(),
    cleanup: () => get().cleanup(),
    async startAgain() {
      const previous = get();
      if (previous.process.exitCode === null && previous.process.signalCode === null)
        throw new Error('startAgain(): the running berthd must be stopped (stop or kill9) first');
      current = await startDaemon({ ...startOptions, dir: previous.dir });
    },
  };
}

export interface UseDockerdOptions {
  /** dockerd's start options, asked when the file's tests begin. */
  start?: () => DockerdOptions | Promise<DockerdOptions>;
  /** The file's own set-up that needs this dockerd (an image pushed from it), once busybox is loaded. */
  setUp?: (engine: DockerEngine) => Promise<void>;
}

export interface UsedDockerd extends DockerEngine {
  /** dockerd again on the same roots with the same options, once this one was stopped with keepRoots: restarts. */
  startAgain(): Promise<void>;
}

/** Docker's engine beside the file's berthd, for the same scenarios: started before the file's tests with busybox
 * loaded by the docker CLI, stopped after them (its stop ends its containers). */
export function useDockerd(skip: string | false, options: UseDockerdOptions = {}): UsedDockerd {
  let current: DockerEngine | undefined;
  let startOptions: DockerdOptions = {};
  const get = (): DockerEngine => {
    if (!current) throw new Error('dockerd did not start (the file is skipped, or its before() failed)');
    return current;
  };
  before(async () => {
    if (skip) return;
    startOptions = (await options.start?.()) ?? {};
    const engine = (current = await startDockerd(startOptions));
    const load = await docker(engine.env, ['load', '-i', (await testImages()).busybox]);
    assert.equal(load.code, 0, load.stderr);
    await options.setUp?.(engine);
  });
  after(async () => {
    await current?.stop();
  });
  return {
    get dir() {
      return get().dir;
    },
    get socketPath() {
      return get().socketPath;
    },
    get env() {
      return get().env;
    },
    logs: () => get().logs(),
    inNetns: (cmd, args) => get().inNetns(cmd, args),
    stop: (stopOptions) => get().stop(stopOptions),
    async startAgain() {
      current = await startDockerd({ ...startOptions, dir: get().dir });
    },
  };
}
