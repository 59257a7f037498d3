import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restartSelection } from './lifecycle.js';
import type { Dependency, Project, ServiceConfig } from './model.js';

const dep = (restart: boolean): Dependency => ({ condition: 'service_started', restart, required: true });
const service = (name: string, dependsOn: Record<string, Dependency> = {}): ServiceConfig =>
  ({ name, dependsOn }) as ServiceConfig;

test('restart: the named services and their dependents through restart: true, other relations dropped', () => {
  const project = {
    services: {
      db: service('db'),
      web: service('web', { db: dep(true) }),
      worker: service('worker', { web: dep(true), db: dep(false) }),
      report: service('report', { db: dep(false) }),
    },
  } as unknown as Project;
  const picked = restartSelection(project, ['db']);
  assert.deepEqual(Object.keys(picked).sort(), ['db', 'web', 'worker']);
  assert.deepEqual(Object.keys(picked.worker?.dependsOn ?? {}), ['web']);
  assert.deepEqual(Object.keys(restartSelection(project, [])).sort(), ['db', 'report', 'web', 'worker']);
  assert.deepEqual(restartSelection(project, [])['report']?.dependsOn, {});
  assert.throws(() => restartSelection(project, ['nope']), /no such service: nope/);
});
