// The shared set-up of the `berth compose` e2e files: both engines (Docker's and berthd) started once per file, a
// copy of test/fixtures/compose (so project directories, and so project names, are the same on both and nothing
// is written into the repository), and `scenario`, which runs a test body on every engine at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/daemon.js';
import { ENGINES, skipClients, useEngines, type Engine, type EngineName } from '../helpers/engines.js';
import { berth, docker, run, type RunResult } from '../helpers/run.js';

/** One engine's side of a scenario. */
export interface Side {
  name: EngineName;
  engine: Engine;
  corpus: string;
  /** `berth compose --project-directory DIR -f DIR/compose.yaml ARGS` against this engine. */
  compose(dir: string, args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  /** The same, asserting exit 0. */
  ok(dir: string, args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  dockerOk(args: string[]): Promise<string>;
  exec(container: string, cmd: string[]): Promise<RunResult>;
  inspect(container: string, format: string): Promise<string>;
  /** Containers, networks and volumes with the project's label. */
  leftovers(project: string): Promise<string[]>;
  /** `down -v`, then nothing of the project is left. */
  downClean(dir: string, project: string): Promise<void>;
  /** docker-compose 1.29 (Debian's, on docker-py) with `--project-directory DIR -f DIR/compose.yaml ARGS`. */
  v1(dir: string, args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  /** The same, asserting exit 0. */
  v1Ok(dir: string, args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  /** docker-compose 1.29's `down -v`, then nothing of the project is left. */
  v1DownClean(dir: string, project: string, args?: string[]): Promise<void>;
  /** After a failed scenario: `down -v --remove-orphans -t 0` of every project directory it used (best effort). */
  takeDown(): Promise<void>;
}

const COMPOSE_V1 = '/usr/bin/docker-compose';
/** Why docker-compose 1.29 cannot run here, or false. */
export const skipV1 = (): string | false =>
  existsSync(COMPOSE_V1) ? false : 'needs docker-compose 1.29 (apt-get install docker-compose)';

export interface ScenarioOptions {
  skip?: string | false;
  /** Only these engines: for a scenario whose outcome cannot depend on the engine (refused before any request). */
  engines?: readonly EngineName[];
}

export type Scenario = (title: string, body: (s: Side) => Promise<void>, options?: ScenarioOptions) => void;

/** The scenarios of one file; `shared` is the engines a file already started (one berthd/dockerd pair a file). */
export function useComposeEngines(shared?: (name: EngineName) => Engine): Scenario {
  const skip = skipClients();
  const engineOf = shared ?? useEngines(skip);
  let corpus = '';
  before(() => {
    if (skip) return;
    corpus = mkdtempSync(join(tmpdir(), 'berth-compose-corpus-'));
    cpSync(join(REPO_ROOT, 'test/fixtures/compose'), corpus, { recursive: true });
  });
  after(() => {
    if (corpus) rmSync(corpus, { recursive: true, force: true });
  });
  const side = (name: EngineName): Side => {
    const engine = engineOf(name);
    // The project directories this side used, with the environment of the last use (a file may need its variables).
    const used = new Map<string, NodeJS.ProcessEnv>();
    const s: Side = {
      name,
      engine,
      corpus,
      compose(dir, args, env = {}) {
        used.set(dir, env);
        return berth(
          { ...engine.env, ...env },
          ['compose', '--project-directory', join(corpus, dir), '-f', join(corpus, dir, 'compose.yaml'), ...args],
          { timeoutMs: 120_000 },
        );
      },
      async ok(dir, args, env = {}) {
        const r = await s.compose(dir, args, env);
        assert.equal(r.code, 0, `[${name}] berth compose ${args.join(' ')} (${dir}):\n${r.stderr}\n${r.stdout}`);
        return r;
      },
      async dockerOk(args) {
        const r = await docker(engine.env, args);
        assert.equal(r.code, 0, `[${name}] docker ${args.join(' ')}: ${r.stderr}`);
        return r.stdout;
      },
      exec: (container, cmd) => docker(engine.env, ['exec', container, ...cmd]),
      inspect: async (container, format) => (await s.dockerOk(['inspect', '-f', format, container])).trim(),
      async leftovers(project) {
        const filter = ['--filter', `label=com.docker.compose.project=${project}`];
        return [
          ...(await s.dockerOk(['ps', '-a', ...filter, '--format', 'container {{.Names}}'])).split('\n'),
          ...(await s.dockerOk(['network', 'ls', ...filter, '--format', 'network {{.Name}}'])).split('\n'),
          ...(await s.dockerOk(['volume', 'ls', ...filter, '--format', 'volume {{.Name}}'])).split('\n'),
        ].filter(Boolean);
      },
      async downClean(dir, project) {
        await s.ok(dir, ['down', '-v']);
        assert.deepEqual(await s.leftovers(project), [], `[${name}] left behind`);
      },
      v1(dir, args, env = {}) {
        used.set(dir, env);
        return run(
          COMPOSE_V1,
          [
            '--ansi',
            'never',
            '--project-directory',
            join(corpus, dir),
            '-f',
            join(corpus, dir, 'compose.yaml'),
            ...args,
          ],
          {
            // The API's builder (docker-py's), and run's attach through docker-py rather than the docker CLI.
            env: {
              ...engine.env,
              COMPOSE_DOCKER_CLI_BUILD: '0',
              DOCKER_BUILDKIT: '0',
              COMPOSE_INTERACTIVE_NO_CLI: '1',
              ...env,
            },
            timeoutMs: 120_000,
          },
        );
      },
      async v1Ok(dir, args, env = {}) {
        const r = await s.v1(dir, args, env);
        assert.equal(r.code, 0, `[${name}] docker-compose ${args.join(' ')} (${dir}):\n${r.stderr}\n${r.stdout}`);
        return r;
      },
      async v1DownClean(dir, project, args = []) {
        await s.v1Ok(dir, [...args, 'down', '-v']);
        assert.deepEqual(await s.leftovers(project), [], `[${name}] left behind by docker-compose 1.29`);
      },
      // docker-compose 1.29 names a project's containers differently but labels them (and names its networks and
      // volumes) as berth compose does, so berth compose's `down` takes its projects down too.
      async takeDown() {
        for (const [dir, env] of used) await s.compose(dir, ['down', '-v', '--remove-orphans', '-t', '0'], env);
      },
    };
    return s;
  };
  // Each engine's side runs to its end (a failure on one does not leave the other running into the next scenario),
  // and a side that failed takes its projects down: nothing of a failed scenario outlives it (ports, rules, bridges).
  return (title, body, options = {}) =>
    test(title, { skip: skip || options.skip }, async () => {
      const results = await Promise.allSettled(
        ENGINES.filter((name) => !options.engines || options.engines.includes(name)).map(async (name) => {
          const s = side(name);
          try {
            await body(s);
          } catch (err) {
            await s.takeDown();
            if (err instanceof Error) err.message = `[${name}] ${err.message}`;
            throw err;
          }
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    });
}

/** The `id` Docker gives `user: 1000:1000` in the busybox image (app is also listed in staff: not taken then). */
const OPTIONS_ID = 'uid=1000(app) gid=1000(app) groups=1000(app)\n';

/** The options fixture's (test/fixtures/compose/options) container answers as configured (whichever client made it). */
export async function checkOptions(s: Side, container: string): Promise<void> {
  const r = await s.exec(container, ['sh', '-c', 'id; pwd; hostname; grep db.example /etc/hosts; cat /scratch/state']);
  assert.equal(r.stdout, `${OPTIONS_ID}/scratch\napp-host\n10.9.8.7\tdb.example\nok\n`, r.stderr);
  assert.notEqual((await s.exec(container, ['touch', '/x'])).code, 0, 'read_only');
  const caps = (await s.exec(container, ['grep', 'CapBnd', '/proc/1/status'])).stdout;
  assert.ok(!(BigInt(`0x${caps.split(':')[1]?.trim()}`) & (1n << 13n)), `NET_RAW dropped: ${caps}`);
  assert.equal(
    await s.inspect(
      container,
      '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.Init}} {{index .Config.Labels "berth.test/tier"}}',
    ),
    'unless-stopped true front',
  );
  assert.match((await s.dockerOk(['port', container, '8080/tcp'])).trim(), /^127\.0\.0\.1:\d+$/);
}

/** The options fixture's logging, devices and deploy.resources, as Compose v2 and docker-compose 1.29 both send them:
 * LogConfig, Devices, NanoCpus, Memory, MemoryReservation (no CPU reservation). */
export async function checkRuntimeOptions(s: Side, container: string): Promise<void> {
  assert.equal(
    await s.inspect(
      container,
      '{{.HostConfig.LogConfig.Type}} {{json .HostConfig.LogConfig.Config}} {{.HostConfig.NanoCpus}} ' +
        '{{.HostConfig.Memory}} {{.HostConfig.MemoryReservation}} {{.HostConfig.CpuShares}}',
    ),
    'json-file {"max-file":"2","max-size":"1m"} 500000000 67108864 33554432 0',
  );
  assert.equal(
    await s.inspect(
      container,
      '{{range .HostConfig.Devices}}{{.PathOnHost}}:{{.PathInContainer}}:{{.CgroupPermissions}} {{end}}',
    ),
    '/dev/null:/dev/berth-null:rwm /dev/zero:/dev/berth-zero:r',
  );
  // berth-zero (`:r`) takes a write on both engines: the container's device cgroup allows /dev/zero (c 1:5 rwm) by
  // Docker's default rules already, and cgroup allow rules add up, so `r` narrows nothing there (as on dockerd 20.10).
  const devices = await s.exec(container, [
    'sh',
    '-c',
    'head -c 3 /dev/berth-zero | wc -c; echo x > /dev/berth-null && echo wrote; echo x > /dev/berth-zero && echo zero',
  ]);
  assert.equal(devices.stdout, '3\nwrote\nzero\n', devices.stderr);
}
