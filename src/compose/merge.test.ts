import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeFiles } from './merge.js';

test('mappings merge, sequences append, scalars override', () => {
  const merged = mergeFiles([
    { services: { web: { image: 'a', dns: ['1.1.1.1'], labels: ['x=1', 'y=2'] } }, volumes: { v: {} } },
    { services: { web: { image: 'b', dns: ['8.8.8.8'], labels: { y: '3' } } }, volumes: { w: {} } },
  ]);
  assert.deepEqual(merged, {
    services: { web: { image: 'b', dns: ['1.1.1.1', '8.8.8.8'], labels: { x: '1', y: '3' } } },
    volumes: { v: {}, w: {} },
  });
});

test('command, entrypoint and healthcheck.test are replaced whole', () => {
  const merged = mergeFiles([
    {
      services: { s: { command: ['echo', 'foo'], entrypoint: 'sh', healthcheck: { test: ['CMD', 'a'], retries: 3 } } },
    },
    { services: { s: { command: ['echo', 'bar'], healthcheck: { test: ['CMD', 'b'] } } } },
  ]);
  assert.deepEqual(merged.services, {
    s: { command: ['echo', 'bar'], entrypoint: 'sh', healthcheck: { test: ['CMD', 'b'], retries: 3 } },
  });
});

test('ports and volumes are unique by their key', () => {
  const merged = mergeFiles([
    { services: { s: { volumes: ['foo:/work', '/keep'], ports: ['8080:80', '9000:90'] } } },
    { services: { s: { volumes: ['bar:/work'], ports: ['8080:80', '81'] } } },
  ]);
  assert.deepEqual(merged.services, { s: { volumes: ['/keep', 'bar:/work'], ports: ['9000:90', '8080:80', '81'] } });
});

test('list and mapping forms of environment, depends_on and networks merge as mappings', () => {
  const merged = mergeFiles([
    { services: { s: { environment: ['A=1', 'B'], depends_on: ['db'], networks: ['front'] } } },
    {
      services: {
        s: {
          environment: { A: 2 },
          depends_on: { cache: { condition: 'service_healthy' } },
          networks: { back: { aliases: ['x'] } },
        },
      },
    },
  ]);
  assert.deepEqual(merged.services, {
    s: {
      environment: { A: 2, B: null },
      depends_on: { db: { condition: 'service_started' }, cache: { condition: 'service_healthy' } },
      networks: { front: null, back: { aliases: ['x'] } },
    },
  });
});
