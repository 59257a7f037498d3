// Debian's python3-docker (docker-py 5.0.3) through the lifecycles (system, containers, logs, images, volumes,
// events, networks, health checks, archives on mounts, builds, links, IPv6, prune filters) against Docker's
// engine and berthd; the scenarios are in test/fixtures/python-docker-scenarios.py. exec_run, attach and
// commit are in clients-python-exec-files.test.ts.
import { describe, test, before } from 'node:test';
import { randomInt } from 'node:crypto';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINES, skipClients, useEngines, type EngineName } from '../helpers/engines.js';
import { REPO_ROOT } from '../helpers/daemon.js';
import { testImages } from '../helpers/images.js';
import { run, type RunResult } from '../helpers/run.js';

// Debian's interpreter, where python3-docker is installed (not a pyenv python3 earlier on PATH).
const PYTHON = '/usr/bin/python3';
const SCENARIOS = join(REPO_ROOT, 'test/fixtures/python-docker-scenarios.py');
const hasDockerPy = (): boolean =>
  existsSync(PYTHON) && existsSync('/usr/lib/python3/dist-packages/docker/__init__.py');
const skip = skipClients() || (hasDockerPy() ? false : 'needs python3-docker (apt-get install python3-docker)');

const NAMES = [
  'system',
  'containers',
  'run_output',
  'logs',
  'images',
  'volumes',
  'events',
  'networks',
  'healthcheck',
  'archive_mounts',
  'build',
  'links',
  'ipv6',
  'prune',
];
/** Scenarios that wait on a fix, by engine (none today). */
const TODO: Partial<Record<EngineName, Record<string, string>>> = {};

const engineOf = useEngines(skip);
// Both engines' scenarios run at once (each in one interpreter: docker-py's import is slow), started by the
// first suite (both engines are up by then).
const runs = new Map<EngineName, Promise<RunResult>>();
async function startRuns(): Promise<void> {
  if (runs.size > 0) return;
  const { busybox } = await testImages();
  for (const name of ENGINES) {
    const v6 = `fd00:${randomInt(0x100, 0xffff).toString(16)}::/64`;
    const env = { ...engineOf(name).env, PYTHONDONTWRITEBYTECODE: '1' };
    runs.set(name, run(PYTHON, [SCENARIOS, NAMES.join(','), `py-${name}`, busybox, v6], { env, timeoutMs: 240_000 }));
  }
}

for (const name of ENGINES) {
  describe(`python3-docker against ${name}`, { skip, concurrency: false }, () => {
    let results: Map<string, { ok: boolean; error?: string }>;
    let raw: RunResult;
    before(async () => {
      await startRuns();
      raw = await (runs.get(name) as Promise<RunResult>);
      results = new Map(
        raw.stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => {
            const r = JSON.parse(l) as { name: string; ok: boolean; error?: string };
            return [r.name, r];
          }),
      );
    });

    for (const scenario of NAMES) {
      test(scenario, { todo: TODO[name]?.[scenario] }, () => {
        const r = results.get(scenario);
        assert.ok(r, `${scenario} did not run (exit ${raw.code}):\n${raw.stderr}`);
        assert.ok(r.ok, r.error);
      });
    }
  });
}
