// Endpoints Docker answers outside swarm mode and without plugins, image search through a registry's v1 search
// API, and health checks that leave fields out (null or 0, as docker-py sends them): the same requests go to
// dockerd and to berthd and must get the same answers. Skips without root or without dockerd.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { apiRequest } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { ENGINES, skipClients, useEngines } from '../helpers/engines.js';

const skip = skipClients();
const engine = useEngines(skip);
/** A registry with the v1 search API, and one without it (a plain v2 registry answers 404). */
let withSearch: Server | undefined;
let withoutSearch: Server | undefined;
const searches: string[] = [];

const daemons = () => ENGINES.map((name) => ({ ...engine(name), socket: engine(name).socketPath }));

const RESULTS = [
  { name: 'team/app', description: 'the app', star_count: 12, is_official: true, is_automated: false },
  { name: 'team/app-tools', description: 'tools', star_count: 3, is_official: false, is_automated: true },
  { name: 'other/app', description: '', star_count: 0, is_official: false, is_automated: false },
];

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

let searchPort = 0;
let plainPort = 0;

before(async () => {
  if (skip) return;
  withSearch = createServer((req, res) => {
    if (req.url?.startsWith('/v1/search')) {
      searches.push(req.url);
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ num_results: RESULTS.length, query: 'app', results: RESULTS }));
    } else res.writeHead(404).end('404 page not found\n');
  });
  withoutSearch = createServer((_req, res) => res.writeHead(404).end('404 page not found\n'));
  [searchPort, plainPort] = await Promise.all([listen(withSearch), listen(withoutSearch)]);
});

after(() => {
  withSearch?.close();
  withoutSearch?.close();
});

/** Status and message of an API answer; Docker 20.10 writes "Invalid filter", Docker 27 "invalid filter". */
async function answer(socket: string, method: string, path: string, json?: unknown): Promise<string> {
  const r = await apiRequest(socket, path, { method, json });
  let body = r.body.trim();
  try {
    const parsed = JSON.parse(body) as { message?: string };
    if (parsed && typeof parsed === 'object' && 'message' in parsed)
      body = `message: ${String(parsed.message).replace(/^Invalid filter/, 'invalid filter')}`;
  } catch {
    // not JSON: compare as text
  }
  return `${method} ${path} -> ${r.status} ${body}`;
}

async function sameAnswers(requests: [string, string, unknown?][]): Promise<void> {
  const out: Record<string, string[]> = {};
  for (const { name, socket } of daemons()) {
    out[name] = [];
    for (const [method, path, json] of requests) out[name].push(await answer(socket, method, path, json));
  }
  assert.deepEqual(out.berthd, out.dockerd);
}

test(
  'swarm routes answer 503 with Docker messages outside swarm mode; updates check their version first',
  { skip },
  async () => {
    await sameAnswers([
      ['GET', '/swarm'],
      ['GET', '/swarm/unlockkey'],
      ['POST', '/swarm/leave', {}],
      ['POST', '/swarm/leave?force=1', {}],
      ['POST', '/swarm/unlock', {}],
      ['POST', '/swarm/update', {}],
      ['GET', '/v1.41/swarm'],
      ['GET', '/nodes'],
      ['GET', '/nodes/abc'],
      ['DELETE', '/nodes/abc'],
      ['POST', '/nodes/abc/update', {}],
      ['GET', '/services'],
      ['GET', '/services/abc'],
      ['DELETE', '/services/abc'],
      ['POST', '/services/create', {}],
      ['POST', '/services/abc/update', {}],
      ['GET', '/services/abc/logs?stdout=1'],
      ['GET', '/tasks'],
      ['GET', '/tasks/abc'],
      ['GET', '/tasks/abc/logs?stdout=1'],
      ['GET', '/secrets'],
      ['GET', '/secrets/abc'],
      ['DELETE', '/secrets/abc'],
      ['POST', '/secrets/create', {}],
      ['POST', '/secrets/abc/update', {}],
      ['GET', '/configs'],
      ['GET', '/configs/abc'],
      ['DELETE', '/configs/abc'],
      ['POST', '/configs/create', {}],
      ['POST', '/configs/abc/update', {}],
    ]);
    // docker info keeps Docker's "inactive" Swarm section.
    const infos = await Promise.all(
      daemons().map(
        async ({ socket }) => (JSON.parse((await apiRequest(socket, '/info')).body) as { Swarm: unknown }).Swarm,
      ),
    );
    assert.deepEqual(infos[1], infos[0]);
  },
);

test('swarm and plugin verbs of the docker CLI print what they print on dockerd', { skip }, async () => {
  const out: Record<string, string[]> = {};
  for (const { name, env } of daemons()) {
    out[name] = [];
    for (const args of [
      ['swarm', 'leave'],
      ['swarm', 'leave', '--force'],
      ['node', 'ls'],
      ['service', 'ls'],
      ['secret', 'ls'],
      ['config', 'ls'],
      ['plugin', 'ls'],
      ['plugin', 'inspect', 'nope'],
      ['plugin', 'rm', 'nope'],
      ['plugin', 'disable', 'nope'],
    ]) {
      const r = await docker(env, args);
      out[name].push(`$ docker ${args.join(' ')} -> ${r.code}\n${r.stdout}${r.stderr}`);
    }
  }
  assert.deepEqual(out.berthd, out.dockerd);
});

test(
  'plugin routes answer as Docker without plugins: an empty list, "not found" for a named one',
  { skip },
  async () => {
    await sameAnswers([
      ['GET', '/plugins'],
      ['GET', '/plugins?filters=%7B%22bogus%22%3A%5B%221%22%5D%7D'],
      ['GET', '/plugins/nope/json'],
      ['GET', '/plugins/nope:1.0/json'],
      ['DELETE', '/plugins/nope'],
      ['POST', '/plugins/nope/disable'],
      ['POST', '/plugins/nope/enable?timeout=0'],
      ['POST', '/plugins/nope/push'],
      ['POST', '/plugins/nope/set', []],
    ]);
  },
);

test('image search asks the registry v1 search API with limit and filters as Docker does', { skip }, async () => {
  const s = (term: string, extra = ''): string => `/images/search?term=${encodeURIComponent(term)}${extra}`;
  const q = (filters: object): string => `&filters=${encodeURIComponent(JSON.stringify(filters))}`;
  const reg = `127.0.0.1:${searchPort}`;
  searches.length = 0;
  await sameAnswers([
    ['GET', s(`${reg}/app`)],
    ['GET', s(`localhost:${searchPort}/app`)],
    ['GET', s(`${reg}/app`, '&limit=2')],
    ['GET', s(`${reg}/app`, q({ 'is-official': ['true'] }))],
    ['GET', s(`${reg}/app`, q({ 'is-official': ['false'] }))],
    ['GET', s(`${reg}/app`, q({ stars: ['3'] }))],
    ['GET', s(`${reg}/app`, q({ stars: ['1', '10'] }))],
    ['GET', s(`${reg}/app`, q({ 'is-automated': ['true'] }))],
    ['GET', s(`${reg}/app`, q({ stars: ['many'] }))],
    ['GET', s(`${reg}/app`, q({ bogus: ['1'] }))],
  ]);
  // Each daemon asked the registry the same questions (limit passed through as n, 25 by default).
  const asked = [...new Set(searches)].sort();
  assert.deepEqual(asked, ['/v1/search?q=app&n=2', '/v1/search?q=app&n=25']);

  for (const { name, socket } of daemons()) {
    const off = await apiRequest(socket, s(`${reg}/app`, '&limit=0'));
    assert.equal(off.status, 400, `${name}: ${off.body}`);
    assert.match(off.body.toLowerCase(), /limit 0 is outside the range of \[1, 100\]/);
    const maybe = await apiRequest(socket, s(`${reg}/app`, q({ 'is-official': ['maybe'] })));
    assert.equal(maybe.status, 400, `${name}: ${maybe.body}`);
    assert.match(maybe.body.toLowerCase(), /invalid filter 'is-official=/);
    const none = await apiRequest(socket, s(`127.0.0.1:${plainPort}/app`));
    assert.equal(none.status, 500, `${name}: ${none.body}`);
    assert.match(none.body, /Unexpected status code 404/);
  }
  // The docker CLI's table is the same from both.
  const tables = await Promise.all(
    daemons().map(async ({ env }) => (await docker(env, ['search', `${reg}/app`])).stdout),
  );
  assert.equal(tables[1], tables[0]);
  assert.match(tables[0] ?? '', /team\/app-tools/);
  // Docker Hub is blocked on test daemons: berthd refuses by name rather than leaving the machine.
  const hub = await apiRequest(engine('berthd').socketPath, s('busybox'));
  assert.equal(hub.status, 403, hub.body);
  assert.match(hub.body, /docker\.io is blocked/);
});

test(
  'health checks that leave durations out (null or 0) take the defaults; less than 1ms is refused',
  { skip },
  async () => {
    const out: Record<string, string[]> = {};
    for (const { name, socket } of daemons()) {
      out[name] = [];
      const hcs = [
        { Test: ['CMD', 'true'], Interval: null, Timeout: null, Retries: null, StartPeriod: null },
        { Test: ['CMD', 'true'], Interval: 0, Timeout: 0, StartPeriod: 0, Retries: 0 },
        { Test: ['CMD', 'true'], Interval: 1_000_000_000 },
        { Test: ['CMD', 'true'], Interval: 999 },
        { Test: ['CMD', 'true'], Timeout: -1 },
        { Test: ['CMD', 'true'], StartPeriod: 5 },
        { Test: ['CMD', 'true'], Retries: -1 },
      ];
      for (const [i, hc] of hcs.entries()) {
        const r = await apiRequest(socket, `/containers/create?name=hc-${i}`, {
          method: 'POST',
          json: { Image: 'busybox', Cmd: ['true'], Healthcheck: hc, HostConfig: { NetworkMode: 'none' } },
        });
        let line = `${JSON.stringify(hc)} -> ${r.status}`;
        if (r.status === 201)
          line += ` ${JSON.stringify((JSON.parse((await apiRequest(socket, `/containers/hc-${i}/json`)).body) as { Config: { Healthcheck: unknown } }).Config.Healthcheck)}`;
        else line += ` ${(JSON.parse(r.body) as { message: string }).message}`;
        out[name].push(line);
        await apiRequest(socket, `/containers/hc-${i}?force=1`, { method: 'DELETE' });
      }
    }
    assert.deepEqual(out.berthd, out.dockerd);
  },
);

test(
  'inspect of a container created with no HostConfig carries every HostConfig and Config field with Docker zero values',
  { skip },
  async () => {
    // Clients index into inspect without checking (inspect['HostConfig']['Privileged']): a missing key breaks them.
    const out: Record<string, Record<string, unknown>> = {};
    for (const { name, socket } of daemons()) {
      const r = await apiRequest(socket, '/v1.41/containers/create?name=zero-values', {
        method: 'POST',
        json: { Image: 'busybox', Cmd: ['true'] },
      });
      assert.equal(r.status, 201, r.body);
      const inspect = JSON.parse((await apiRequest(socket, '/v1.41/containers/zero-values/json')).body) as {
        HostConfig: Record<string, unknown>;
        Config: Record<string, unknown>;
      };
      await apiRequest(socket, '/containers/zero-values?force=1', { method: 'DELETE' });
      // Values that name the engine's own choices (paths, runtime, spellings of the default: NetworkMode
      // "default" and RestartPolicy "" on dockerd 20.10, "bridge" and "no" on berth as on newer Docker) are
      // compared by key only.
      const own = new Set([
        'NetworkMode',
        'RestartPolicy',
        'Runtime',
        'MaskedPaths',
        'ReadonlyPaths',
        'Hostname',
        'Env',
        'Image',
      ]);
      const shape = (o: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(o).map(([k, v]) => [k, own.has(k) ? typeof v : v]));
      out[name] = { HostConfig: shape(inspect.HostConfig), Config: shape(inspect.Config) };
    }
    const hc = (n: string) => out[n]?.HostConfig as Record<string, unknown>;
    // dockerd 20.10 leaves Runtime out when it is the default one; berth always names it (as newer Docker does).
    const { Runtime: _r, ...berthHostConfig } = hc('berthd');
    const { Runtime: _d, ...dockerHostConfig } = hc('dockerd');
    assert.deepEqual(berthHostConfig, dockerHostConfig);
    // ExposedPorts is omitted by dockerd when empty and null on berthd: both mean none.
    const { ExposedPorts: _b, ...berthConfig } = out.berthd?.Config as Record<string, unknown>;
    const { ExposedPorts: _e, ...dockerConfig } = out.dockerd?.Config as Record<string, unknown>;
    assert.deepEqual(berthConfig, dockerConfig);
  },
);

test('below API 1.45 a container on a user network has its short ID among its aliases', { skip }, async () => {
  for (const { name, socket, env } of daemons()) {
    assert.equal((await docker(env, ['network', 'create', 'alias-net'])).code, 0);
    const run = await docker(env, [
      'run',
      '-d',
      '--name',
      'alias-c',
      '--network',
      'alias-net',
      'busybox',
      'sleep',
      '60',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    const aliasesAt = async (version: string) =>
      (
        JSON.parse((await apiRequest(socket, `/${version}/containers/alias-c/json`)).body) as {
          NetworkSettings: { Networks: Record<string, { Aliases: string[] | null }> };
        }
      ).NetworkSettings.Networks['alias-net']?.Aliases ?? null;
    assert.deepEqual(await aliasesAt('v1.41'), [id.slice(0, 12)], name);
    // dockerd 20.10 stops at 1.41; berth answers newer versions, where the short ID is in DNSNames only.
    if (name === 'berthd') assert.equal(await aliasesAt('v1.45'), null);
    await docker(env, ['rm', '-f', 'alias-c']);
    await docker(env, ['network', 'rm', 'alias-net']);
  }
});
