// Property-based fuzz of every registered Engine API route (fast-check), in-process over the real engine with
// fakes (no root): path parameters, query values (the swagger's parameter names for the route plus random ones)
// and JSON bodies (the swagger's body fields with values of any type, or any JSON at all) of the wrong types.
// Every request must be answered (status within 10 s), never with a 500, errors as {"message"}; after every
// refused request the store must be as it was and still readable (lists and lookups answer 200).
// Runs BERTH_FUZZ_RUNS cases per route (default 25) within a time budget, so the whole file stays under a minute.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import fc from 'fast-check';
import { registeredRoutes, type RegisteredRoute } from '../../src/api/index.js';
import { dockerArchiveOf } from '../fixtures/docker-archive.js';
import { startApiEngine, type ApiEngine } from '../helpers/api-engine.js';
import { EngineContract } from '../helpers/engine-contract.js';

const RUNS = Number(process.env.BERTH_FUZZ_RUNS ?? 25);
const ANSWER_MS = 10_000;
/** The whole fuzz's budget; each route gets its share. */
const BUDGET_MS = Number(process.env.BERTH_FUZZ_BUDGET_MS ?? 30_000);
const MIN_ROUTE_MS = 2_000;
/** Statuses Docker answers for its error kinds; anything else (and 500 above all) is a failure. */
const ALLOWED = new Set([200, 201, 204, 304, 400, 401, 403, 404, 409, 412, 501]);
/** Swarm-mode routes: outside swarm mode Docker answers them 503 (the swagger lists it), and so does berth. */
const SWARM_ROUTE = /^\/(swarm|nodes|services|tasks|secrets|configs)(\/|$)/;
/** Routes that, given a real container, wait as long as the caller asked (stop -t): fuzzed with unknown ids only. */
const WAIT_BY_DESIGN = new Set(['POST /containers/:id/stop', 'POST /containers/:id/restart']);

let engine: ApiEngine;
let contract: EngineContract;
const real = {
  containers: [] as string[],
  images: ['fuzz/img:1'],
  volumes: ['fuzzvol'],
  networks: ['fuzznet', 'bridge'],
  execs: [] as string[],
};

interface Answer {
  status: number;
  body: string;
  type: string;
}

/** One request over the server's socket; resolves with the status as soon as the head arrives (streams are then cut). */
function send(method: string, path: string, body: string | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`${method} ${path}: no answer within ${ANSWER_MS} ms`));
    }, ANSWER_MS);
    const req = request(
      {
        socketPath: engine.socketPath,
        method,
        path,
        headers:
          body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const type = String(res.headers['content-type'] ?? '');
        if (status < 400) {
          clearTimeout(timer);
          res.destroy();
          req.destroy();
          return resolve({ status, body: '', type });
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status, body: Buffer.concat(chunks).toString('utf8'), type });
        });
        res.on('error', () => undefined);
      },
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}

async function getJson(path: string): Promise<unknown> {
  const res = await engine.app.inject({ method: 'GET', url: path });
  assert.equal(res.statusCode, 200, `${path} after a refused request: ${res.statusCode} ${res.body.slice(0, 300)}`);
  return res.json();
}

/** What a refused request must leave untouched, read through the API (so it also proves listing still works). */
async function storeState(): Promise<string> {
  const images = (await getJson('/images/json?all=1')) as { Id: string; RepoTags: string[] }[];
  const containers = (await getJson('/containers/json?all=1')) as { Id: string; Names: string[]; State: string }[];
  const volumes = (await getJson('/volumes')) as { Volumes: { Name: string }[] };
  const networks = (await getJson('/networks')) as { Id: string; Name: string }[];
  // Lookups by every listed name and id still work (an accepted request may have removed a seeded image).
  for (const image of images)
    for (const ref of [image.Id, ...image.RepoTags])
      await getJson(`/images/${ref}/json`).catch(() => assert.fail(`lookup of ${ref} broke`));
  return JSON.stringify({
    images: images.map((i) => `${i.Id} ${[...i.RepoTags].sort().join(',')}`).sort(),
    containers: containers.map((c) => `${c.Id} ${c.Names.join(',')} ${c.State}`).sort(),
    volumes: volumes.Volumes.map((v) => v.Name).sort(),
    networks: networks.map((n) => `${n.Id} ${n.Name}`).sort(),
  });
}

// ---- arbitraries ----

const weirdString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '..',
    '../..',
    '/',
    '%',
    '-1',
    '0',
    '1',
    '99999999999999999999',
    '1e400',
    'NaN',
    'true',
    'null',
    '{}',
    '[]',
    '{"a":',
    'sha256:',
    '😀',
    'a'.repeat(300),
  ),
  fc.integer().map(String),
  fc.json({ maxDepth: 2 }),
);

/** A value for a field the swagger describes: any JSON (mostly of the wrong type), or an object of its own fields. */
function valueFor(schema: Record<string, unknown> | undefined, depth: number): fc.Arbitrary<unknown> {
  const anyJson = fc.jsonValue({ maxDepth: 2 });
  if (!schema || depth > 2) return anyJson;
  const resolved = contract.resolve(schema);
  const props: Record<string, Record<string, unknown>> = {};
  const collect = (s: Record<string, unknown>): void => {
    const r = contract.resolve(s);
    Object.assign(props, (r.properties ?? {}) as Record<string, Record<string, unknown>>);
    for (const part of (r.allOf ?? []) as Record<string, unknown>[]) collect(part);
  };
  collect(resolved);
  const names = Object.keys(props);
  if (names.length === 0) return anyJson;
  const fields = fc.dictionary(fc.constantFrom(...names), fc.constant(null), { maxKeys: 4 }).chain((picked) => {
    const keys = Object.keys(picked);
    return fc
      .tuple(...keys.map((k) => valueFor(props[k], depth + 1)))
      .map((values) => Object.fromEntries(keys.map((k, i) => [k, values[i]])));
  });
  return fc.oneof({ weight: 1, arbitrary: anyJson }, { weight: 3, arbitrary: fields });
}

const swaggerPathOf = (url: string): string => url.replace(/:([A-Za-z]+)/g, '{$1}');

function pathParam(route: RegisteredRoute): fc.Arbitrary<string> {
  const key = `${route.method} ${route.url}`;
  const pool = route.url.startsWith('/volumes')
    ? real.volumes
    : route.url.startsWith('/networks')
      ? real.networks
      : route.url.startsWith('/exec')
        ? real.execs
        : WAIT_BY_DESIGN.has(key)
          ? []
          : real.containers;
  const known = pool.length > 0 ? [fc.constantFrom(...pool)] : [];
  return fc
    .oneof(
      weirdString.filter((s) => s !== ''),
      ...known,
    )
    .map(encodeURIComponent);
}

function wildcard(route: RegisteredRoute): fc.Arbitrary<string> {
  const name = fc
    .oneof(
      fc.constantFrom(...real.images),
      weirdString.filter((s) => s !== ''),
    )
    .map(encodeURIComponent);
  if (route.method === 'DELETE') return name;
  const actions = route.url.startsWith('/distribution')
    ? ['json']
    : route.method === 'GET'
      ? ['json', 'history', 'get']
      : ['tag', 'push'];
  return fc
    .tuple(name, fc.oneof(fc.constantFrom(...actions), weirdString.map(encodeURIComponent)))
    .map(([n, a]) => `${n}/${a}`);
}

function pathFor(route: RegisteredRoute): fc.Arbitrary<string> {
  const parts = route.url
    .split('/')
    .map((seg) => (seg.startsWith(':') ? pathParam(route) : seg === '*' ? wildcard(route) : fc.constant(seg)));
  return fc.tuple(...parts).map((segs) => segs.join('/'));
}

function queryFor(route: RegisteredRoute): fc.Arbitrary<string> {
  const names = contract.queryParams(route.method, swaggerPathOf(route.url.replace('/*', '/{name}/json')));
  const key = fc.oneof(
    ...(names.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...names) }] : []),
    { weight: 1, arbitrary: fc.constantFrom('filters', 'all', 't', 'signal', 'name', 'force', 'tag', 'repo', 'path') },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  );
  return fc
    .array(fc.tuple(key, weirdString), { maxLength: 5 })
    .map((pairs) =>
      pairs.length === 0
        ? ''
        : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`,
    );
}

function bodyFor(route: RegisteredRoute): fc.Arbitrary<string | undefined> {
  const schema = contract.bodySchema(route.method, swaggerPathOf(route.url));
  return fc.oneof(
    fc.constant(undefined),
    fc.json({ maxDepth: 3 }),
    fc.constantFrom(
      '',
      '{',
      '{"a":1',
      'nul',
      '[]',
      '"s"',
      '1',
      'null',
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{}}}',
    ),
    valueFor(schema, 0).map((v) => JSON.stringify(v)),
  );
}

before(async () => {
  engine = await startApiEngine();
  contract = await EngineContract.load();
  await engine.app.inject({
    method: 'POST',
    url: '/images/load',
    payload: await dockerArchiveOf(Buffer.alloc(1024), 'fuzz/img:1'),
    headers: { 'content-type': 'application/x-tar' },
  });
  for (const name of ['fz-created', 'fz-running']) {
    const res = await engine.app.inject({
      method: 'POST',
      url: `/containers/create?name=${name}`,
      payload: { Image: 'fuzz/img:1', Cmd: ['sh'] },
    });
    real.containers.push((res.json() as { Id: string }).Id, name);
  }
  await engine.app.inject({ method: 'POST', url: '/containers/fz-running/start' });
  const exec = await engine.app.inject({
    method: 'POST',
    url: '/containers/fz-running/exec',
    payload: { Cmd: ['sleep', '1'] },
  });
  real.execs.push((exec.json() as { Id: string }).Id);
  await engine.app.inject({ method: 'POST', url: '/volumes/create', payload: { Name: 'fuzzvol' } });
  await engine.app.inject({ method: 'POST', url: '/networks/create', payload: { Name: 'fuzznet' } });
});
after(async () => engine.close());

test('fuzz: every route answers bad input with a 4xx {"message"}, never a 500 or a hang, and a refusal changes nothing', async () => {
  const routes = registeredRoutes(engine.app);
  const started = Date.now();
  // Each route's share, but never less than one request's worth: on a loaded machine a share of ~250 ms ran out
  // before the first case and the route went unfuzzed ("Property interrupted after 0 tests").
  const perRoute = Math.max(BUDGET_MS / routes.length, MIN_ROUTE_MS);
  let requests = 0;
  const failures: string[] = [];
  for (const route of routes) {
    await fc
      .assert(
        fc.asyncProperty(pathFor(route), queryFor(route), bodyFor(route), async (path, query, body) => {
          const url = `${path}${query}`;
          // Taken right before the request: an earlier accepted one (a kill) may still be settling in the background.
          const before = await storeState();
          const res = await send(route.method, url, body);
          requests++;
          const where = `${route.method} ${url} body=${body?.slice(0, 200)}`;
          assert.ok(
            ALLOWED.has(res.status) || (res.status === 503 && SWARM_ROUTE.test(route.url)),
            `${where}: answered ${res.status} ${res.body.slice(0, 300)}`,
          );
          if (res.status >= 400 && route.method !== 'HEAD') {
            assert.equal(res.type, 'application/json', `${where}: error type`);
            const parsed = JSON.parse(res.body) as Record<string, unknown>;
            assert.deepEqual(Object.keys(parsed), ['message'], `${where}: error body ${res.body.slice(0, 200)}`);
            assert.equal(typeof parsed.message, 'string');
            const after = await storeState();
            assert.equal(
              after,
              before,
              `${where}: a refused request changed the store (before ${before}, after ${after})`,
            );
          }
        }),
        { numRuns: RUNS, interruptAfterTimeLimit: perRoute, markInterruptAsFailure: false },
      )
      .catch((err: unknown) => {
        const counterexample =
          String((err as Error).message)
            .split('\n')
            .find((l) => l.startsWith('Counterexample')) ?? '';
        const cause =
          (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message.split('\n')[0] : String(err);
        failures.push(`${route.method} ${route.url}: ${cause}\n  ${counterexample}`);
      });
  }
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`# fuzz: ${routes.length} routes, ${requests} requests in ${seconds.toFixed(1)} s\n`);
  assert.deepEqual(failures, [], failures.join('\n\n'));
  assert.ok(requests >= routes.length, 'every route got requests');
});
