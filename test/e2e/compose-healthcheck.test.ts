// docker-compose 1.29 with a healthcheck that leaves fields out (it sends null for them): the service starts and
// becomes healthy on dockerd and on berthd, with the same Config.Healthcheck. Skips without root or dockerd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, run } from '../helpers/run.js';
import { ENGINES, skipClients, useEngines } from '../helpers/engines.js';
import { waitForEventLines } from '../helpers/events.js';

const skip = skipClients();
const engine = useEngines(skip);
const daemons = () => ENGINES.map(engine);

/** Resolves on the container's first event with this status (health_status events carry it in Status). */
const waitForEvent = (env: NodeJS.ProcessEnv, container: string, status: string): Promise<unknown> =>
  waitForEventLines(env, [`container=${container}`], '{{.Status}}', (lines) => lines.includes(status), 30_000);

test(
  'docker-compose 1.29: a healthcheck that omits fields starts and becomes healthy on both engines',
  { skip },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-compose-hc-'));
    try {
      writeFileSync(
        join(dir, 'docker-compose.yml'),
        [
          'version: "2.4"',
          'services:',
          '  web:',
          '    image: busybox',
          '    command: ["sleep", "300"]',
          '    network_mode: none',
          '    healthcheck:',
          '      test: ["CMD", "true"]',
          '      interval: 1s',
          '',
        ].join('\n'),
      );
      const compose = ['-f', join(dir, 'docker-compose.yml'), '-p', 'hcdefaults'];
      const configs: unknown[] = [];
      for (const { name, env } of daemons()) {
        const composeEnv = { ...env };
        const up = await run('/usr/bin/docker-compose', [...compose, 'up', '-d'], { env: composeEnv });
        assert.equal(up.code, 0, `${name}: ${up.stderr}`);
        try {
          const id = (
            await docker(env, ['ps', '-q', '--no-trunc', '--filter', 'label=com.docker.compose.project=hcdefaults'])
          ).stdout.trim();
          assert.ok(id, `${name}: the service runs`);
          // Healthy is announced by an event: wait for it rather than polling.
          await waitForEvent(env, id, 'health_status: healthy');
          configs.push(JSON.parse((await docker(env, ['inspect', '-f', '{{json .Config.Healthcheck}}', id])).stdout));
        } finally {
          const down = await run('/usr/bin/docker-compose', [...compose, 'down', '-v'], { env: composeEnv });
          assert.equal(down.code, 0, `${name}: ${down.stderr}`);
        }
      }
      assert.deepEqual(configs[1], configs[0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
