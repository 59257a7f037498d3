// Debian's python3-docker (docker-py 5.0.3) through the basic lifecycles (system, containers, logs, images,
// volumes, events, networks) against Docker's engine and berthd; the scenarios are in
// test/fixtures/python-docker-scenarios.py. Exec, files, prune filters, builds and deeper network cases
// have tests of their own.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINES, skipClients, useEngines } from '../helpers/engines.js';
import { REPO_ROOT } from '../helpers/daemon.js';
import { testImages } from '../helpers/images.js';
import { run, type RunResult } from '../helpers/run.js';

// Debian's interpreter, where python3-docker is installed (not a pyenv python3 earlier on PATH).
const PYTHON = '/usr/bin/python3';
const SCENARIOS = join(REPO_ROOT, 'test/fixtures/python-docker-scenarios.py');
const hasDockerPy = (): boolean => existsSync(PYTHON) && existsSync('/usr/lib/python3/dist-packages/docker/__init__.py');
const skip = skipClients() || (hasDockerPy() ? false : 'needs python3-docker (apt-get install python3-docker)');

const NAMES = ['system', 'containers', 'run_output', 'logs', 'images', 'volumes', 'events', 'networks'];

const engineOf = useEngines(skip);

for (const name of ENGINES) {
  describe(`python3-docker against ${name}`, { skip, concurrency: false }, () => {
    let results: Map<string, { ok: boolean; error?: string }>;
    let raw: RunResult;
    before(async () => {
      const engine = engineOf(name);
      const { busybox } = await testImages();
      raw = await run(PYTHON, [SCENARIOS, NAMES.join(','), `py-${name}`, busybox], { env: { ...engine.env, PYTHONDONTWRITEBYTECODE: '1' }, timeoutMs: 240_000 });
      results = new Map(raw.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => {
        const r = JSON.parse(l) as { name: string; ok: boolean; error?: string };
        return [r.name, r];
      }));
    });

    for (const scenario of NAMES) {
      test(scenario, () => {
        const r = results.get(scenario);
        assert.ok(r, `${scenario} did not run (exit ${raw.code}):\n${raw.stderr}`);
        assert.ok(r.ok, r.error);
      });
    }
  });
}
