import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planService, type Existing } from './plan.js';
import { serviceHash } from './config-hash.js';
import { dependencyOrder } from './dependency-order.js';
import { containerPlan } from './container-spec.js';
import type { Project, ServiceConfig } from './model.js';

const c = (n: number, hash: string, state = 'running'): Existing => ({
  id: `id${n}`,
  name: `p-s-${n}`,
  state,
  labels: { 'com.docker.compose.container-number': String(n), 'com.docker.compose.config-hash': hash },
});

test('an unchanged running service is kept as is', () => {
  assert.deepEqual(
    planService([c(1, 'h')], 1, 'h').map((a) => a.kind),
    ['keep'],
  );
});

test('a stopped container is started; a changed one recreated; --no-recreate and --force-recreate', () => {
  assert.deepEqual(
    planService([c(1, 'h', 'exited')], 1, 'h').map((a) => a.kind),
    ['start'],
  );
  assert.deepEqual(
    planService([c(1, 'old')], 1, 'h').map((a) => a.kind),
    ['recreate'],
  );
  assert.deepEqual(
    planService([c(1, 'old')], 1, 'h', { noRecreate: true }).map((a) => a.kind),
    ['keep'],
  );
  assert.deepEqual(
    planService([c(1, 'h')], 1, 'h', { forceRecreate: true }).map((a) => a.kind),
    ['recreate'],
  );
});

test('scale up fills the free numbers; scale down removes the highest', () => {
  const up = planService([c(2, 'h')], 3, 'h');
  assert.deepEqual(
    up.map((a) => [a.kind, 'number' in a ? a.number : -1]),
    [
      ['keep', 2],
      ['create', 1],
      ['create', 3],
    ],
  );
  const down = planService([c(1, 'h'), c(3, 'h'), c(2, 'h')], 1, 'h');
  assert.deepEqual(
    down.map((a) => [a.kind, a.kind === 'create' ? a.number : a.container.name]),
    [
      ['remove', 'p-s-2'],
      ['remove', 'p-s-3'],
      ['keep', 'p-s-1'],
    ],
  );
});

const service = (name: string, extra: Partial<ServiceConfig> = {}): ServiceConfig => ({
  name,
  image: 'busybox',
  secrets: [],
  configs: [],
  environment: {},
  ports: [],
  expose: [],
  volumes: [],
  networks: { default: { aliases: [] } },
  dependsOn: {},
  labels: {},
  extraHosts: [],
  capAdd: [],
  capDrop: [],
  privileged: false,
  readOnly: false,
  tmpfs: [],
  replicas: 1,
  profiles: [],
  tty: false,
  stdinOpen: false,
  ...extra,
});

test('the hash ignores replicas, depends_on and profiles, and sees everything else', () => {
  const base = serviceHash(service('s'));
  assert.equal(serviceHash(service('s', { replicas: 3, profiles: ['x'] })), base);
  assert.equal(
    serviceHash(service('s', { dependsOn: { db: { condition: 'service_healthy', restart: false, required: true } } })),
    base,
  );
  assert.notEqual(serviceHash(service('s', { environment: { A: '1' } })), base);
  assert.match(base, /^[0-9a-f]{64}$/);
});

test('dependency order puts dependencies first and refuses cycles', () => {
  const dep = { condition: 'service_started' as const, restart: false, required: true };
  assert.deepEqual(
    dependencyOrder({ web: service('web', { dependsOn: { db: dep } }), db: service('db'), cache: service('cache') }),
    ['cache', 'db', 'web'],
  );
  assert.throws(
    () => dependencyOrder({ a: service('a', { dependsOn: { b: dep } }), b: service('b', { dependsOn: { a: dep } }) }),
    /dependency cycle detected: a -> b -> a/,
  );
});

test('the container request: name, Compose labels, ports, mounts, first network with aliases, the rest to connect', () => {
  const project: Project = {
    name: 'p',
    workingDir: '/w',
    configFiles: ['/w/compose.yaml'],
    services: {},
    disabledServices: [],
    secrets: {},
    configs: {},
    networks: {
      front: { name: 'p_front', external: false, driverOpts: {}, labels: {}, internal: false, attachable: false },
      back: { name: 'shared', external: true, driverOpts: {}, labels: {}, internal: false, attachable: false },
    },
    volumes: { data: { name: 'p_data', external: false, driverOpts: {}, labels: {} } },
  };
  const s = service('web', {
    ports: [{ target: 80, published: '8080', protocol: 'tcp' }],
    volumes: [
      { type: 'volume', source: 'data', target: '/data', readOnly: false, nocopy: false },
      { type: 'volume', target: '/anon', readOnly: false, nocopy: false },
      { type: 'bind', source: '/w/site', target: '/www', readOnly: true, createHostPath: true },
    ],
    networks: { front: { aliases: ['www'] }, back: { aliases: [] } },
    restart: 'on-failure:3',
    dependsOn: { db: { condition: 'service_healthy', restart: true, required: true } },
  });
  const plan = containerPlan(project, s, 2, 'h', { version: '0.1.0' });
  assert.equal(plan.name, 'p-web-2');
  assert.deepEqual(plan.body.Labels, {
    'com.docker.compose.project': 'p',
    'com.docker.compose.service': 'web',
    'com.docker.compose.container-number': '2',
    'com.docker.compose.config-hash': 'h',
    'com.docker.compose.project.working_dir': '/w',
    'com.docker.compose.project.config_files': '/w/compose.yaml',
    'com.docker.compose.oneoff': 'False',
    'com.docker.compose.depends_on': 'db:service_healthy:true',
    'com.docker.compose.version': '0.1.0',
  });
  assert.deepEqual(plan.body.HostConfig?.PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
  const withEnvFiles = containerPlan({ ...project, envFiles: ['/w/a.env', '/w/b.env'] }, s, 2, 'h', {
    version: '0.1.0',
  });
  assert.equal(withEnvFiles.body.Labels?.['com.docker.compose.project.environment_file'], '/w/a.env,/w/b.env');
  assert.deepEqual(plan.body.HostConfig?.Mounts, [
    { Type: 'volume', Source: 'p_data', Target: '/data', ReadOnly: false },
  ]);
  assert.deepEqual(plan.body.HostConfig?.Binds, ['/w/site:/www:ro']);
  assert.deepEqual(plan.body.Volumes, { '/anon': {} });
  assert.deepEqual(plan.body.HostConfig?.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.equal(plan.body.HostConfig?.NetworkMode, 'p_front');
  assert.deepEqual(plan.body.NetworkingConfig?.EndpointsConfig, { p_front: { Aliases: ['p-web-2', 'web', 'www'] } });
  assert.deepEqual(plan.connect, [{ network: 'shared', endpoint: { Aliases: ['p-web-2', 'web'] } }]);
});

test('a container made from another image than the service has now is recreated', () => {
  const made = { ...c(1, 'h'), labels: { ...c(1, 'h').labels, 'com.docker.compose.image': 'sha256:old' } };
  assert.deepEqual(
    planService([made], 1, 'h', {}, 'sha256:old').map((a) => a.kind),
    ['keep'],
  );
  assert.deepEqual(
    planService([made], 1, 'h', {}, 'sha256:new').map((a) => a.kind),
    ['recreate'],
  );
});
