// GET /containers/json (what `docker ps -a` decodes) against Docker's engine 20.10 side by side: the same three
// containers (created with a label and an anonymous volume, running with a published port, exited without a
// network) on each engine, listed at API 1.41 (dockerd 20.10's version) and compared key by key, nested objects
// and array elements included; berthd's answer at the version the docker CLI 28 negotiates with it (1.47) has no
// key the 1.47 swagger's ContainerSummary leaves out. Extra or larger fields cost every client its JSON decoding
// (the docker CLI decodes each field of each container), so none may creep in. Skips without root or dockerd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { apiRequest } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { SWAGGER_PATH } from '../helpers/engine-contract.js';
import { ENGINES, skipClients, useEngines, type Engine } from '../helpers/engines.js';

const both = ENGINES.includes('dockerd') && ENGINES.includes('berthd');
const skip = skipClients() || (both ? false : 'needs both engines (BERTH_CLIENT_ENGINES narrows them)');
const NAMES = ['ls-created', 'ls-running', 'ls-exited'];

const engine = useEngines(skip, async (e: Engine) => {
  const ok = async (args: string[]): Promise<void> => {
    const r = await docker(e.env, args);
    assert.equal(r.code, 0, `${e.name}: docker ${args.join(' ')}: ${r.stderr}`);
  };
  await ok(['create', '--name', 'ls-created', '--label', 'team=list', '-v', '/data', 'busybox', 'true']);
  await ok(['run', '-d', '--name', 'ls-running', '-p', '127.0.0.1::80', 'busybox', 'sleep', '300']);
  await ok(['run', '--name', 'ls-exited', '--network', 'none', 'busybox', 'true']);
});

type Summary = Record<string, unknown> & { Names: string[] };

async function list(e: Engine, version: string): Promise<Map<string, Summary>> {
  const r = await apiRequest(e.socketPath, `/v${version}/containers/json?all=1`);
  assert.equal(r.status, 200, `${e.name}: ${r.body}`);
  const all = JSON.parse(r.body) as Summary[];
  return new Map(all.map((c) => [(c.Names[0] ?? '').slice(1), c]));
}

/** Every key path with the JSON type found there ("NetworkSettings.Networks.*.IPAddress string"); map keys that
 * are data (network names, labels, ports) become `*`. */
function shape(value: unknown, path = '', out = new Set<string>()): Set<string> {
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  out.add(`${path} ${type}`);
  if (Array.isArray(value)) for (const v of value) shape(v, `${path}[]`, out);
  else if (type === 'object')
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const dataKey = /(^|\.)(Networks|Labels)$/.test(path);
      shape(v, path ? `${path}.${dataKey ? '*' : k}` : k, out);
    }
  return out;
}

/** DNSNames (API 1.44) is sent by Docker 25+ at every API version: dockerd 20.10 predates it. */
const NEWER_THAN_20_10 = /\.DNSNames /;
/** Docker 20.10 keeps the CLI's "default" network mode as sent; Docker 25+ (and berthd) store the daemon's default,
 * "bridge", at create. */
const asNewerDocker = (hostConfig: unknown): unknown =>
  (hostConfig as { NetworkMode?: string }).NetworkMode === 'default' ? { NetworkMode: 'bridge' } : hostConfig;

test('the container list has Docker 20.10 shape at API 1.41, container by container', { skip }, async () => {
  await engine.ready();
  const [theirs, ours] = await Promise.all([list(engine('dockerd'), '1.41'), list(engine('berthd'), '1.41')]);
  for (const name of NAMES) {
    const a = theirs.get(name);
    const b = ours.get(name);
    assert.ok(a && b, `${name} listed by both`);
    const want = [...shape(a)].sort();
    const got = [...shape(b)].filter((k) => !NEWER_THAN_20_10.test(k)).sort();
    assert.deepEqual(got, want, `${name}: berthd's keys and types against dockerd's`);
    for (const key of ['Image', 'Command', 'State', 'Labels']) assert.deepEqual(b[key], a[key], `${name}: ${key}`);
    assert.deepEqual(b.HostConfig, asNewerDocker(a.HostConfig), `${name}: HostConfig`);
  }
  assert.equal(
    (ours.get('ls-running')?.Ports as { PrivatePort: number }[])[0]?.PrivatePort,
    80,
    'the published port is listed',
  );
});

test('at the version the docker CLI negotiates, berthd sends no key the swagger leaves out', { skip }, async () => {
  await engine.ready();
  const version = await docker(engine('berthd').env, ['version', '--format', '{{.Client.APIVersion}}']);
  assert.equal(version.stdout.trim(), '1.47', version.stderr);
  const defs = (parse(readFileSync(SWAGGER_PATH, 'utf8')) as { definitions: Record<string, Def | undefined> })
    .definitions;
  const keysOf = (name: string): string[] => Object.keys(defs[name]?.properties ?? {});
  const [summary, endpoint, port, mount] = ['ContainerSummary', 'EndpointSettings', 'Port', 'MountPoint'].map(keysOf);
  assert.ok(summary?.length && endpoint?.length && port?.length && mount?.length, 'the swagger defines them');
  for (const [name, c] of await list(engine('berthd'), '1.47')) {
    assert.deepEqual(without(Object.keys(c), summary), [], `${name}: top-level keys`);
    const networks = (c.NetworkSettings as { Networks: Record<string, object> }).Networks;
    assert.deepEqual(Object.keys(c.NetworkSettings as object), ['Networks'], `${name}: NetworkSettings`);
    for (const ep of Object.values(networks)) assert.deepEqual(without(Object.keys(ep), endpoint), [], name);
    for (const p of c.Ports as object[]) assert.deepEqual(without(Object.keys(p), port), [], name);
    for (const m of c.Mounts as object[]) assert.deepEqual(without(Object.keys(m), mount), [], name);
  }
});

interface Def {
  properties: Record<string, unknown>;
}

const without = (keys: string[], allowed: string[]): string[] => keys.filter((k) => !allowed.includes(k));
