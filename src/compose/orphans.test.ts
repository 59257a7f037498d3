import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orphanWarning, orphansOf } from './orphans.js';
import type { Project } from './model.js';
import type { ProjectContainer } from './project-containers.js';

const container = (service: string, number = 1): ProjectContainer => ({
  id: `${service}${number}`,
  name: `p-${service}-${number}`,
  state: 'running',
  labels: {},
  service,
  number,
});

const project = (services: string[], disabled: string[] = []): Project =>
  ({
    name: 'p',
    services: Object.fromEntries(services.map((s) => [s, {}])),
    disabledServices: disabled,
  }) as unknown as Project;

test("orphans are the containers of services the files lack; a disabled profile's service is not one", () => {
  const all = [container('web'), container('gone'), container('gone', 2), container('debug')];
  assert.deepEqual(
    orphansOf(project(['web'], ['debug']), all).map((c) => c.name),
    ['p-gone-1', 'p-gone-2'],
  );
  assert.deepEqual(orphansOf(project(['web', 'gone', 'debug']), all), []);
});

test("the warning is Compose v2's, the names as Go prints a slice", () => {
  assert.equal(
    orphanWarning([container('a'), container('b')]),
    'Found orphan containers ([p-a-1 p-b-1]) for this project. If you removed or renamed this service in your compose ' +
      'file, you can run this command with the --remove-orphans flag to clean it up.',
  );
});
