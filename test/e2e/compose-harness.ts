// The shared set-up of the `berth compose` e2e files: both engines (Docker's and berthd) started once per file, a
// copy of test/fixtures/compose (so project directories, and so project names, are the same on both and nothing
// is written into the repository), and `scenario`, which runs a test body on every engine at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/daemon.js';
import { ENGINES, skipClients, useEngines, type Engine, type EngineName } from '../helpers/engines.js';
import { berth, docker, type RunResult } from '../helpers/run.js';

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
}

export function useComposeEngines(): (title: string, body: (s: Side) => Promise<void>) => void {
  const skip = skipClients();
  const engineOf = useEngines(skip);
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
    const s: Side = {
      name,
      engine,
      corpus,
      compose: (dir, args, env = {}) =>
        berth(
          { ...engine.env, ...env },
          ['compose', '--project-directory', join(corpus, dir), '-f', join(corpus, dir, 'compose.yaml'), ...args],
          { timeoutMs: 120_000 },
        ),
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
    };
    return s;
  };
  return (title, body) =>
    test(title, { skip }, async () => {
      await Promise.all(
        ENGINES.map((name) =>
          body(side(name)).catch((err: unknown) => {
            if (err instanceof Error) err.message = `[${name}] ${err.message}`;
            throw err;
          }),
        ),
      );
    });
}
