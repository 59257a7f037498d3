import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { containerPlan } from './container-spec.js';
import { loadProject, type LoadOptions } from './load.js';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A project directory with the given files; the loader's options over it. */
function project(files: Record<string, string>, opts: Partial<LoadOptions> = {}): LoadOptions & { dir: string } {
  const root = mkdtempSync(join(tmpdir(), 'berth-compose-load-'));
  const dir = join(root, 'My_App');
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  roots.push(root);
  return { dir, files: [], env: {}, cwd: dir, ...opts };
}

test('one file found by its default name; defaults filled in; the directory names the project', () => {
  const p = project({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    command: httpd -f -p "8080"\n' });
  const loaded = loadProject(p);
  assert.equal(loaded.name, 'my_app');
  assert.equal(loaded.workingDir, p.dir);
  assert.deepEqual(loaded.configFiles, [join(p.dir, 'compose.yaml')]);
  assert.deepEqual(loaded.services.web?.command, ['httpd', '-f', '-p', '8080']);
  assert.deepEqual(loaded.services.web?.networks, { default: { aliases: [] } });
  assert.equal(loaded.services.web?.replicas, 1);
  assert.deepEqual(loaded.networks, {
    default: {
      name: 'my_app_default',
      external: false,
      driverOpts: {},
      labels: {},
      internal: false,
      attachable: false,
    },
  });
});

test('.env feeds interpolation and COMPOSE_PROJECT_NAME; the shell environment wins over it', () => {
  const p = project(
    {
      'compose.yaml':
        'services:\n  s:\n    image: ${IMAGE:-busybox}\n    environment:\n      - GREETING=${GREETING}\n      - FROM_SHELL\n    env_file: vars.env\n',
      '.env': 'GREETING=hello\nCOMPOSE_PROJECT_NAME=fromdotenv\nIMAGE=from-dotenv\n',
      'vars.env': 'X=1\nGREETING=overridden-by-environment\n',
    },
    { env: { IMAGE: 'from-shell', FROM_SHELL: 'yes' } },
  );
  const loaded = loadProject(p);
  assert.equal(loaded.name, 'fromdotenv');
  assert.equal(loaded.services.s?.image, 'from-shell');
  assert.deepEqual(loaded.services.s?.environment, { X: '1', GREETING: 'hello', FROM_SHELL: 'yes' });
});

test('several -f files merge in order; name: sets the project', () => {
  const p = project({
    'a.yaml': 'name: base\nservices:\n  s:\n    image: busybox\n    ports: ["8080:80"]\n    environment: {A: "1"}\n',
    'b.yaml': 'services:\n  s:\n    ports: ["8080:80", "9090:90"]\n    environment: [B=2]\n  t:\n    image: busybox\n',
  });
  const loaded = loadProject({ ...p, files: ['a.yaml', 'b.yaml'] });
  assert.equal(loaded.name, 'base');
  assert.deepEqual(
    loaded.services.s?.ports.map((x) => `${x.published}:${x.target}`),
    ['8080:80', '9090:90'],
  );
  assert.deepEqual(loaded.services.s?.environment, { A: '1', B: '2' });
  assert.deepEqual(Object.keys(loaded.services), ['s', 't']);
});

test('schema errors name the file, the line and the key', () => {
  const p = project({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    bogus: 1\n' });
  assert.throws(
    () => loadProject(p),
    (err: Error) => {
      assert.equal(
        err.message,
        `${join(p.dir, 'compose.yaml')}:4:5: services.web: additional property bogus is not allowed`,
      );
      return true;
    },
  );
  const q = project({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    privileged: [1]\n' });
  assert.throws(() => loadProject(q), /compose.yaml:4:5: services.web.privileged must be a boolean/);
  const r = project({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n   bad indent: x\n' });
  assert.throws(() => loadProject(r), /compose.yaml:\d+:\d+: invalid YAML/);
});

test('what berth does not honour yet is refused by name, with its line', () => {
  const p = project({
    'compose.yaml':
      'services:\n  web:\n    image: busybox\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - capabilities: [gpu]\n',
  });
  assert.throws(
    () => loadProject(p),
    /compose.yaml:7:11: services.web.deploy.resources.reservations.devices is not supported by berth compose yet/,
  );
  const q = project({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    ports: !reset []\n' });
  assert.throws(() => loadProject(q), /the YAML tag !reset is not supported/);
  const r = project({ 'compose.yaml': 'services:\n  web:\n    build:\n      context: .\n      ssh: [default]\n' });
  assert.throws(() => loadProject(r), /services.web.build.ssh is not supported by berth compose yet/);
});

test('a required variable that is missing fails the load', () => {
  const p = project({ 'compose.yaml': 'services:\n  web:\n    image: ${TAG:?TAG must be set}\n' });
  assert.throws(() => loadProject(p), /required variable TAG is missing a value: TAG must be set/);
});

test('profiles: services with profiles run only when one is enabled', () => {
  const files = {
    'compose.yaml': 'services:\n  a:\n    image: busybox\n  debug:\n    image: busybox\n    profiles: [dev]\n',
  };
  assert.deepEqual(Object.keys(loadProject(project(files)).services), ['a']);
  assert.deepEqual(Object.keys(loadProject(project(files, { profiles: ['dev'] })).services), ['a', 'debug']);
  assert.deepEqual(Object.keys(loadProject(project(files, { env: { COMPOSE_PROFILES: 'dev' } })).services), [
    'a',
    'debug',
  ]);
});

test('references to undefined services, networks and volumes are refused', () => {
  const dep = project({ 'compose.yaml': 'services:\n  a:\n    image: busybox\n    depends_on: [b]\n' });
  assert.throws(() => loadProject(dep), /service "a" depends on undefined service "b"/);
  const net = project({ 'compose.yaml': 'services:\n  a:\n    image: busybox\n    networks: [back]\n' });
  assert.throws(() => loadProject(net), /service "a" refers to undefined network back/);
  const vol = project({ 'compose.yaml': 'services:\n  a:\n    image: busybox\n    volumes: [data:/d]\n' });
  assert.throws(() => loadProject(vol), /service "a" refers to undefined volume data/);
});

test('no compose file is an error', () => {
  assert.throws(() => loadProject(project({})), /no configuration file provided: not found/);
});

test('build: a string is the context; a mapping resolves dockerfile against it; bare args read the environment', () => {
  const p = project(
    {
      'compose.yaml': [
        'services:',
        '  short:',
        '    build: ./app',
        '  long:',
        '    image: me/long:1',
        '    build:',
        '      context: ctx',
        '      dockerfile: other.Dockerfile',
        '      target: final',
        '      args: [GIVEN=1, FROM_ENV, UNSET]',
        '',
      ].join('\n'),
    },
    { env: { FROM_ENV: 'env' } },
  );
  const loaded = loadProject(p);
  assert.equal(loaded.services.short?.image, 'my_app-short');
  assert.deepEqual(loaded.services.short?.build, {
    context: join(p.dir, 'app'),
    dockerfile: join(p.dir, 'app/Dockerfile'),
    args: {},
    labels: {},
    secrets: [],
    named: false,
  });
  assert.deepEqual(loaded.services.long?.build, {
    context: join(p.dir, 'ctx'),
    dockerfile: join(p.dir, 'ctx/other.Dockerfile'),
    args: { GIVEN: '1', FROM_ENV: 'env' },
    target: 'final',
    labels: {},
    secrets: [],
    named: true,
  });
  assert.equal(loaded.services.long?.image, 'me/long:1');
});

test('secrets and configs: file, environment and content sources; targets as Compose places them', () => {
  const p = project(
    {
      'compose.yaml': [
        'services:',
        '  app:',
        '    image: busybox',
        '    secrets: [token, {source: env_secret, target: renamed, mode: 0440}]',
        '    configs: [conf, {source: inline, target: /etc/inline.conf}]',
        'secrets:',
        '  token: {file: ./token.txt}',
        '  env_secret: {environment: SECRET_VALUE}',
        'configs:',
        '  conf: {file: conf.ini}',
        '  inline: {content: "a=1"}',
        '',
      ].join('\n'),
    },
    { env: { SECRET_VALUE: 's3cret' } },
  );
  const loaded = loadProject(p);
  assert.deepEqual(loaded.secrets, {
    token: { name: 'token', file: join(p.dir, 'token.txt') },
    env_secret: { name: 'env_secret', content: 's3cret' },
  });
  assert.deepEqual(loaded.services.app?.secrets, [
    { source: 'token', target: '/run/secrets/token' },
    { source: 'env_secret', target: '/run/secrets/renamed', mode: 0o440 },
  ]);
  assert.deepEqual(loaded.services.app?.configs, [
    { source: 'conf', target: '/conf' },
    { source: 'inline', target: '/etc/inline.conf' },
  ]);
  const missing = project({
    'compose.yaml': 'services:\n  a:\n    image: busybox\n    secrets: [s]\nsecrets:\n  s:\n    environment: NOPE\n',
  });
  assert.throws(() => loadProject(missing), /environment variable "NOPE" required by secrets "s" is not set/);
});

test('extends: same file and another file; the extending keys win; cycles refused', () => {
  const p = project({
    'compose.yaml': [
      'services:',
      '  base: {image: busybox, environment: {A: base, B: base}}',
      '  child: {extends: base, environment: {B: child}}',
      '  remote: {extends: {file: other.yaml, service: s}}',
      '',
    ].join('\n'),
    'other.yaml': 'services:\n  s:\n    build: ./ctx\n',
  });
  const loaded = loadProject(p);
  assert.deepEqual(loaded.services.child?.environment, { A: 'base', B: 'child' });
  assert.equal(loaded.services.remote?.build?.context, join(p.dir, 'ctx'));
  const cycle = project({ 'compose.yaml': 'services:\n  a: {image: x, extends: b}\n  b: {image: x, extends: a}\n' });
  assert.throws(() => loadProject(cycle), /extends cycle/);
});

test("include, short syntax: the part's services, volumes and networks, its paths against its own directory", () => {
  const p = project(
    {
      'compose.yaml': 'include: [db/compose.yaml]\nservices:\n  web: {image: busybox, depends_on: [db]}\n',
      'db/compose.yaml': [
        'name: ignored',
        'services:',
        '  db:',
        '    image: ${DB_IMAGE}',
        '    env_file: db.env',
        '    environment: [TAG, FROM_PARENT]',
        '    volumes: [data:/data, ./init:/init]',
        '    networks: [back]',
        'volumes: {data: {}}',
        'networks: {back: {}}',
        '',
      ].join('\n'),
      'db/.env': 'DB_IMAGE=busybox:db\nTAG=from-part\nFROM_PARENT=part\n',
      'db/db.env': 'X=1\n',
      '.env': 'FROM_PARENT=parent\n',
    },
    { env: {} },
  );
  const loaded = loadProject(p);
  assert.equal(loaded.name, 'my_app');
  assert.deepEqual(Object.keys(loaded.services).sort(), ['db', 'web']);
  const db = loaded.services.db;
  assert.equal(db?.image, 'busybox:db');
  assert.deepEqual(db?.environment, { X: '1', TAG: 'from-part', FROM_PARENT: 'parent' });
  assert.ok(
    db?.volumes.some((v) => v.type === 'bind' && v.source === join(p.dir, 'db/init')),
    JSON.stringify(db?.volumes),
  );
  assert.equal(loaded.volumes.data?.name, 'my_app_data');
  assert.equal(loaded.networks.back?.name, 'my_app_back');
});

test('include, long syntax: several files, project_directory and env_file relative to the including project', () => {
  const p = project({
    'compose.yaml': [
      'include:',
      '  - path: [parts/a.yaml, parts/a.override.yaml]',
      '    project_directory: shared',
      '    env_file: vars/part.env',
      'services:',
      '  main: {image: busybox}',
      '',
    ].join('\n'),
    'parts/a.yaml': 'services:\n  a:\n    image: busybox:${A_TAG}\n    build: ./ctx\n    environment: {ONE: "1"}\n',
    'parts/a.override.yaml': 'services:\n  a:\n    environment: {TWO: "2"}\n',
    'vars/part.env': 'A_TAG=long\n',
  });
  const loaded = loadProject(p);
  assert.equal(loaded.services.a?.image, 'busybox:long');
  assert.deepEqual(loaded.services.a?.environment, { ONE: '1', TWO: '2' });
  assert.equal(loaded.services.a?.build?.context, join(p.dir, 'shared/ctx'));
  const missing = project({
    'compose.yaml': 'include: [{path: a.yaml, env_file: nope.env}]\n',
    'a.yaml': 'services: {a: {image: x}}\n',
  });
  assert.throws(() => loadProject(missing), /couldn't find env file: .*nope\.env/);
});

test('include: a name defined differently on both sides is refused; the same definition is not; cycles refused', () => {
  const clash = project({
    'compose.yaml': 'include: [part.yaml]\nservices:\n  s: {image: busybox}\n',
    'part.yaml': 'services:\n  s: {image: other}\n',
  });
  assert.throws(() => loadProject(clash), /services\.s conflicts with imported resource/);
  const net = project({
    'compose.yaml': 'include: [part.yaml]\nservices: {s: {image: x}}\nnetworks: {n: {internal: true}}\n',
    'part.yaml': 'services: {t: {image: x}}\nnetworks: {n: {}}\n',
  });
  assert.throws(() => loadProject(net), /networks\.n conflicts with imported resource/);
  const same = project({
    'compose.yaml': 'include: [part.yaml]\nservices:\n  s: {image: busybox, command: [a]}\n',
    'part.yaml': 'services:\n  s: {image: busybox, command: [a]}\n',
  });
  assert.deepEqual(Object.keys(loadProject(same).services), ['s']);
  const cycle = project({
    'compose.yaml': 'include: [a.yaml]\nservices: {s: {image: x}}\n',
    'a.yaml': 'include: [b.yaml]\nservices: {a: {image: x}}\n',
    'b.yaml': 'include: [a.yaml]\nservices: {b: {image: x}}\n',
  });
  assert.throws(() => loadProject(cycle), /include cycle detected/);
});

test('--env-file: the files recorded absolute, for the environment_file label (none given: none recorded)', () => {
  const p = project({ 'compose.yaml': 'services:\n  web:\n    image: busybox:${TAG}\n', 'conf/prod.env': 'TAG=1.2\n' });
  const loaded = loadProject({ ...p, envFiles: ['conf/prod.env'] });
  assert.deepEqual(loaded.envFiles, [join(p.dir, 'conf/prod.env')]);
  assert.equal(loaded.services.web?.image, 'busybox:1.2');
  assert.equal(loadProject({ ...p, env: { TAG: '1' } }).envFiles, undefined);
});

test('logging, devices and deploy.resources: the HostConfig Compose v2 sends; absent ones leave the hash alone', () => {
  const base = 'services:\n  web:\n    image: busybox\n';
  const plain = loadProject(project({ 'compose.yaml': base })).services.web;
  assert.ok(plain);
  assert.equal(plain.logging ?? plain.devices ?? plain.resources, undefined);
  const p = project({
    'compose.yaml':
      base +
      '    logging:\n      driver: json-file\n      options: {max-size: 1m, max-file: 3}\n' +
      '    devices:\n      - /dev/null\n      - /dev/zero:/dev/z:r\n      - {source: /dev/full, target: /dev/f}\n' +
      "    deploy:\n      resources:\n        limits: {cpus: '0.5', memory: 64M, pids: 100}\n" +
      "        reservations: {cpus: '0.25', memory: 32m}\n",
  });
  const warnings: string[] = [];
  const web = loadProject({ ...p, warn: (m) => warnings.push(m) }).services.web;
  assert.ok(web);
  // Accepted as Compose v2 accepts it, not applied, and said so.
  assert.deepEqual(warnings, [
    'services.web.deploy.resources.reservations.cpus is not applied: a CPU reservation is a swarm scheduling option with no container setting on one engine (Compose v2 leaves it out too)',
  ]);
  const host = containerPlan(loadProject(p), web, 1, 'h', { version: '0' }).body.HostConfig;
  assert.deepEqual(host?.LogConfig, { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '3' } });
  assert.deepEqual(host?.Devices, [
    { PathOnHost: '/dev/null', PathInContainer: '/dev/null', CgroupPermissions: 'rwm' },
    { PathOnHost: '/dev/zero', PathInContainer: '/dev/z', CgroupPermissions: 'r' },
    { PathOnHost: '/dev/full', PathInContainer: '/dev/f', CgroupPermissions: 'rwm' },
  ]);
  // reservations.cpus is a swarm option: Compose v2 sends no CPU reservation to the engine.
  assert.deepEqual(
    [host?.NanoCpus, host?.Memory, host?.PidsLimit, host?.MemoryReservation, host?.CpuShares],
    [5e8, 64 * 1024 ** 2, 100, 32 * 1024 ** 2, undefined],
  );
  const cdi = project({ 'compose.yaml': base + '    devices: [nvidia.com/gpu=all]\n' });
  assert.throws(() => loadProject(cdi), /CDI device nvidia.com\/gpu=all is not supported by berth compose yet/);
});

test('build.secrets: file and environment secrets by ID (target, else the key); undefined ones refused; uid/gid/mode named', () => {
  const base =
    'services:\n  app:\n    build:\n      context: .\n      secrets:\n' +
    '        - token\n        - {source: api_key, target: key, mode: 0400}\n' +
    'secrets:\n  token:\n    file: ./token.txt\n  api_key:\n    environment: API_KEY\n';
  const warnings: string[] = [];
  const p = project({ 'compose.yaml': base }, { env: { API_KEY: 'k' }, warn: (m) => warnings.push(m) });
  const build = loadProject(p).services.app?.build;
  assert.deepEqual(build?.secrets, [
    { id: 'token', source: 'token', value: { name: 'token', file: join(p.dir, 'token.txt') } },
    { id: 'key', source: 'api_key', value: { name: 'api_key', content: 'k' } },
  ]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /^services\.app\.build\.secrets \(api_key\): mode not applied/);
  const undef = project({ 'compose.yaml': 'services:\n  app:\n    build:\n      context: .\n      secrets: [nope]\n' });
  assert.throws(
    () => loadProject(undef),
    /service "app" refers to undefined build secret nope: invalid compose project/,
  );
  const external = project({
    'compose.yaml':
      'services:\n  app:\n    build:\n      context: .\n      secrets: [x]\nsecrets:\n  x:\n    external: true\n',
  });
  assert.throws(() => loadProject(external), /secrets\.x\.external is not supported by berth compose yet/);
});
