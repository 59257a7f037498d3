// GET /containers/json (what `docker ps -a` decodes) against Docker's engine 20.10 side by side: the same three
// containers (created with a label and an anonymous volume, running with a published port, exited without a
// network) on each engine, listed at API 1.41 (dockerd 20.10's version) and compared key by key, nested objects
// and array elements included; berthd's answer at the version the docker CLI 28 negotiates with it (1.47) has no
// key the 1.47 swagger's ContainerSummary leaves out. Extra or larger fields cost every client its JSON decoding
// (the docker CLI decodes each field of each container), so none may creep in. Skips without root or dockerd.
// The endpoint values (which network, whether an endpoint, address and MAC are there, aliases) are compared too, in
// the list and in inspect, on the default bridge, a user network, host and none, each created, running and exited;
// a container's --hostname among a user network's aliases (1.41) and DNSNames (1.47); a network connected while the
// container is stopped (implicit aliases and DNSNames at once, no NetworkID until the next start); the top-level
// Bridge (the daemon's --bridge) of a bridge-mode container.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import { apiRequest } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { SWAGGER_PATH } from '../helpers/engine-contract.js';
import { ENGINES, skipClients, useEngines, type Engine } from '../helpers/engines.js';

const both = ENGINES.includes('dockerd') && ENGINES.includes('berthd');
const skip = skipClients() || (both ? false : 'needs both engines (BERTH_CLIENT_ENGINES narrows them)');
const NAMES = ['ls-created', 'ls-running', 'ls-exited'];
/** Network modes of the endpoint scenarios, each with a created (ep-c-), running (ep-r-) and exited (ep-x-) container. */
const MODES = ['bridge', 'ls-net', 'host', 'none'];
const STATES = ['c', 'r', 'x'];
/** The --hostname scenarios (hn-c, hn-r, hn-x): on ls-net with a hostname and an alias of their own. */
const HOSTNAMED = (st: string): string[] => [
  '--hostname',
  `hh-${st}`,
  '--network-alias',
  `al-${st}`,
  '--network',
  'ls-net',
];
const HOSTNAMED_NAMES = STATES.map((st) => `hn-${st}`);
/** Containers connected to ls-net while stopped (cn-c never started, cn-x exited). */
const CONNECTED_NAMES = ['cn-c', 'cn-x'];

const engine = useEngines(skip, async (e: Engine) => {
  const ok = async (args: string[]): Promise<void> => {
    const r = await docker(e.env, args);
    assert.equal(r.code, 0, `${e.name}: docker ${args.join(' ')}: ${r.stderr}`);
  };
  await ok(['create', '--name', 'ls-created', '--label', 'team=list', '-v', '/data', 'busybox', 'true']);
  await ok(['run', '-d', '--name', 'ls-running', '-p', '127.0.0.1::80', 'busybox', 'sleep', '300']);
  await ok(['run', '--name', 'ls-exited', '--network', 'none', 'busybox', 'true']);
  await ok(['network', 'create', 'ls-net']);
  await Promise.all(
    MODES.map(async (m) => {
      await ok(['create', '--name', `ep-c-${m}`, '--network', m, 'busybox', 'true']);
      await ok(['run', '-d', '--name', `ep-r-${m}`, '--network', m, 'busybox', 'sleep', '300']);
      await ok(['run', '--name', `ep-x-${m}`, '--network', m, 'busybox', 'true']);
    }),
  );
  // A hostname and an alias on the user network: created, running, exited.
  await ok(['create', '--name', 'hn-c', ...HOSTNAMED('c'), 'busybox', 'true']);
  await ok(['run', '-d', '--name', 'hn-r', ...HOSTNAMED('r'), 'busybox', 'sleep', '300']);
  await ok(['run', '--name', 'hn-x', ...HOSTNAMED('x'), 'busybox', 'true']);
  // Connected to the user network while stopped: never started (cn-c), after a run on the default bridge (cn-x).
  await ok(['create', '--name', 'cn-c', '--hostname', 'hh-cn-c', 'busybox', 'true']);
  await ok(['run', '--name', 'cn-x', '--hostname', 'hh-cn-x', 'busybox', 'true']);
  for (const name of CONNECTED_NAMES) await ok(['network', 'connect', '--alias', `al-${name}`, 'ls-net', name]);
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

/** An engine's values made comparable with the other's: its network ids become `net:<name>`, the container's own
 * ids `own-id`/`own-short-id`, other 64-hex ids (endpoints) `id`, addresses and MACs their kind. */
function comparable(value: unknown, networkNames: Map<string, string>, ownId: string): unknown {
  if (Array.isArray(value)) return value.map((v) => comparable(v, networkNames, ownId));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, comparable(v, networkNames, ownId)] as [string, unknown]),
    );
  if (typeof value !== 'string') return value;
  if (networkNames.has(value)) return `net:${networkNames.get(value) ?? ''}`;
  if (value === ownId) return 'own-id';
  if (value === ownId.slice(0, 12)) return 'own-short-id';
  if (/^[0-9a-f]{64}$/.test(value)) return 'id';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(value)) return 'ipv4';
  if (/^02:42(:[0-9a-f]{2}){4}$/.test(value)) return 'mac';
  return value;
}

/** The endpoint fields of NetworkSettings that both engines fill the same way. Left out as known differences, each
 * where berthd follows Docker 25-27: SandboxID and SandboxKey (27 clears them at an exit, 20.10 keeps them);
 * DNSNames (1.44, absent from 20.10). Bridge is compared by its own test, for `--network bridge` (20.10 keeps the
 * CLI's "default" mode, which it does not count). A running host or none container's SandboxKey is a path of
 * each engine's own (compared by the namespace it names, below). */
const ENDPOINT_KEYS = ['NetworkID', 'EndpointID', 'Gateway', 'IPAddress', 'IPPrefixLen', 'MacAddress', 'Aliases'];
const TOP_KEYS = ['EndpointID', 'Gateway', 'IPAddress', 'IPPrefixLen', 'MacAddress'];

async function endpointValues(e: Engine): Promise<Map<string, unknown>> {
  const nets = JSON.parse((await apiRequest(e.socketPath, '/v1.41/networks')).body) as { Id: string; Name: string }[];
  const networkNames = new Map(nets.map((n) => [n.Id, n.Name]));
  const out = new Map<string, unknown>();
  const listed = await list(e, '1.41');
  for (const m of MODES)
    for (const st of STATES) {
      const name = `ep-${st}-${m}`;
      const r = await apiRequest(e.socketPath, `/v1.41/containers/${name}/json`);
      assert.equal(r.status, 200, `${e.name}: ${r.body}`);
      const c = JSON.parse(r.body) as { Id: string; NetworkSettings: Record<string, unknown> };
      const pick = (o: unknown, keys: string[]): Record<string, unknown> =>
        Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown>)[k]]));
      const entries = (ns: unknown): Record<string, unknown> =>
        Object.fromEntries(
          Object.entries((ns as { Networks: Record<string, unknown> }).Networks).map(([n, ep]) => [
            n,
            pick(ep, ENDPOINT_KEYS),
          ]),
        );
      const summary = listed.get(name);
      assert.ok(summary, `${e.name}: ${name} listed`);
      out.set(
        name,
        comparable(
          {
            inspect: { top: pick(c.NetworkSettings, TOP_KEYS), networks: entries(c.NetworkSettings) },
            list: entries(summary.NetworkSettings),
          },
          networkNames,
          c.Id,
        ),
      );
    }
  return out;
}

test(
  "endpoint values, listed and inspected, are Docker 20.10's at API 1.41 (bridge, user, host, none)",
  { skip },
  async () => {
    await engine.ready();
    const [theirs, ours] = await Promise.all([endpointValues(engine('dockerd')), endpointValues(engine('berthd'))]);
    for (const [name, want] of theirs)
      assert.deepEqual(ours.get(name), want, `${name}: berthd's values against dockerd's`);
    // What the comparison stands on, seen on dockerd: no network before the first start, an endpoint of host and none
    // while running, the network kept after an exit, the short ID among a user network's aliases below 1.45.
    const at = (name: string, net: string) =>
      (theirs.get(name) as { inspect: { networks: Record<string, Record<string, unknown>> } }).inspect.networks[net];
    assert.equal(at('ep-c-ls-net', 'ls-net')?.NetworkID, '');
    assert.equal(at('ep-r-none', 'none')?.EndpointID, 'id');
    assert.equal(at('ep-r-host', 'host')?.EndpointID, 'id');
    assert.equal(at('ep-x-bridge', 'bridge')?.NetworkID, 'net:bridge');
    assert.deepEqual(at('ep-x-ls-net', 'ls-net')?.Aliases, ['own-short-id']);
  },
);

test(
  'DNSNames at API 1.47 as Docker 25-27 fill them: from the first start on a user network, kept after an exit',
  { skip },
  async () => {
    await engine.ready();
    const e = engine('berthd');
    for (const m of MODES)
      for (const st of STATES) {
        const name = `ep-${st}-${m}`;
        const c = JSON.parse((await apiRequest(e.socketPath, `/v1.47/containers/${name}/json`)).body) as {
          Id: string;
          NetworkSettings: { Networks: Record<string, { DNSNames: string[] | null; Aliases: string[] | null }> };
        };
        const ep = c.NetworkSettings.Networks[m];
        assert.ok(ep, `${name}: an entry for ${m}`);
        const want = m === 'ls-net' && st !== 'c' ? [name, c.Id.slice(0, 12)] : null;
        assert.deepEqual(ep.DNSNames, want, `${name}: DNSNames`);
        assert.equal(ep.Aliases, null, `${name}: no short-ID alias from 1.45 on`);
      }
  },
);

/** The list's network entries of the named containers at that version, made comparable (see comparable()). */
async function listedEntries(e: Engine, version: string, names: string[]): Promise<Record<string, unknown>> {
  const nets = JSON.parse((await apiRequest(e.socketPath, '/v1.41/networks')).body) as { Id: string; Name: string }[];
  const networkNames = new Map(nets.map((n) => [n.Id, n.Name]));
  const listed = await list(e, version);
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const c = listed.get(name);
    assert.ok(c, `${e.name}: ${name} listed`);
    out[name] = comparable((c.NetworkSettings as { Networks: unknown }).Networks, networkNames, c.Id as string);
  }
  return out;
}

test(
  "the list's network entries carry no aliases (nor links, driver options, DNSNames), as Docker's",
  { skip },
  async () => {
    await engine.ready();
    const [theirs, ours] = await Promise.all([
      listedEntries(engine('dockerd'), '1.41', HOSTNAMED_NAMES),
      listedEntries(engine('berthd'), '1.41', HOSTNAMED_NAMES),
    ]);
    assert.deepEqual(withoutDnsNames(ours), theirs, "berthd's listed entries against dockerd's at 1.41");
    assert.equal(
      (theirs['hn-r'] as Record<string, { Aliases: unknown }>)['ls-net']?.Aliases,
      null,
      'dockerd lists none',
    );
    // At 1.47 (moby 25-27 copy the same fields into the list, container/view.go): DNSNames null too.
    const newer = await listedEntries(engine('berthd'), '1.47', HOSTNAMED_NAMES);
    for (const name of HOSTNAMED_NAMES) {
      const ep = (newer[name] as Record<string, { Aliases: unknown; DNSNames: unknown }>)['ls-net'];
      assert.deepEqual([ep?.Aliases, ep?.DNSNames], [null, null], name);
    }
  },
);

/** namesAt's entries without DNSNames, which dockerd 20.10 predates (API 1.44). */
const withoutDnsNames = (all: Record<string, unknown>): unknown =>
  JSON.parse(JSON.stringify(all, (k, v: unknown) => (k === 'DNSNames' ? undefined : v)));

/** Each named container's network entries at that API version, inspected: NetworkID (set or not), Aliases and
 * DNSNames, the container's own short ID written `own-short-id`. */
async function namesAt(e: Engine, version: string, names: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const r = await apiRequest(e.socketPath, `/v${version}/containers/${name}/json`);
    assert.equal(r.status, 200, `${e.name}: ${r.body}`);
    const c = JSON.parse(r.body) as {
      Id: string;
      NetworkSettings: { Networks: Record<string, { NetworkID: string; Aliases: unknown; DNSNames?: unknown }> };
    };
    const own = (v: unknown): unknown =>
      Array.isArray(v) ? v.map((a) => (a === c.Id.slice(0, 12) ? 'own-short-id' : (a as unknown))) : v;
    out[name] = Object.fromEntries(
      Object.entries(c.NetworkSettings.Networks).map(([n, ep]) => [
        n,
        { NetworkID: ep.NetworkID ? 'set' : '', Aliases: own(ep.Aliases), DNSNames: own(ep.DNSNames ?? null) },
      ]),
    );
  }
  return out;
}

test(
  "--hostname: among a user network's Aliases at API 1.41 as dockerd 20.10 lists it, among DNSNames at 1.47",
  { skip },
  async () => {
    await engine.ready();
    const [theirs, ours] = await Promise.all([
      namesAt(engine('dockerd'), '1.41', HOSTNAMED_NAMES),
      namesAt(engine('berthd'), '1.41', HOSTNAMED_NAMES),
    ]);
    // dockerd 20.10 has no DNSNames (1.44): berthd's at 1.41 are checked at 1.47 below.
    assert.deepEqual(withoutDnsNames(ours), withoutDnsNames(theirs), "berthd's entries against dockerd's at 1.41");
    // What the comparison stands on, seen on dockerd: the short ID and the hostname once the endpoint was joined.
    assert.deepEqual(theirs['hn-r'], {
      'ls-net': { NetworkID: 'set', Aliases: ['al-r', 'own-short-id', 'hh-r'], DNSNames: null },
    });
    assert.deepEqual(theirs['hn-c'], { 'ls-net': { NetworkID: '', Aliases: ['al-c'], DNSNames: null } });
    // API 1.47 (moby 25-27): the aliases as given, the hostname last among DNSNames.
    const newer = await namesAt(engine('berthd'), '1.47', HOSTNAMED_NAMES);
    assert.deepEqual(newer, {
      'hn-c': { 'ls-net': { NetworkID: '', Aliases: ['al-c'], DNSNames: null } },
      'hn-r': { 'ls-net': { NetworkID: 'set', Aliases: ['al-r'], DNSNames: ['hn-r', 'al-r', 'own-short-id', 'hh-r'] } },
      'hn-x': { 'ls-net': { NetworkID: 'set', Aliases: ['al-x'], DNSNames: ['hn-x', 'al-x', 'own-short-id', 'hh-x'] } },
    });
  },
);

test(
  "a user network connected while stopped lists the short ID and hostname among Aliases at 1.41 (dockerd 20.10's), DNSNames at 1.47",
  { skip },
  async () => {
    await engine.ready();
    const [theirs, ours] = await Promise.all([
      namesAt(engine('dockerd'), '1.41', CONNECTED_NAMES),
      namesAt(engine('berthd'), '1.41', CONNECTED_NAMES),
    ]);
    assert.deepEqual(withoutDnsNames(ours), withoutDnsNames(theirs), "berthd's entries against dockerd's at 1.41");
    // What the comparison stands on, seen on dockerd: Docker configured the endpoint at the connect.
    assert.deepEqual((theirs['cn-c'] as Record<string, unknown>)['ls-net'], {
      NetworkID: '',
      Aliases: ['al-cn-c', 'own-short-id', 'hh-cn-c'],
      DNSNames: null,
    });
    // moby 25-27 fill DNSNames at such a connect (updateNetworkConfig) and keep the aliases as given from 1.45.
    const newer = await namesAt(engine('berthd'), '1.47', CONNECTED_NAMES);
    for (const name of CONNECTED_NAMES)
      assert.deepEqual(
        (newer[name] as Record<string, unknown>)['ls-net'],
        { NetworkID: '', Aliases: [`al-${name}`], DNSNames: [name, `al-${name}`, 'own-short-id', `hh-${name}`] },
        name,
      );
  },
);

/** Of namesAt's entries, only the NetworkIDs. */
const networkIds = (all: Record<string, unknown>): unknown =>
  JSON.parse(JSON.stringify(all, (k, v: unknown) => (k === 'Aliases' || k === 'DNSNames' ? undefined : v)));

test(
  'a network connected while stopped shows no NetworkID until the next start joins it, as dockerd 20.10',
  { skip },
  async () => {
    await engine.ready();
    const both = async (): Promise<[unknown, unknown]> => [
      networkIds(await namesAt(engine('dockerd'), '1.41', CONNECTED_NAMES)),
      networkIds(await namesAt(engine('berthd'), '1.41', CONNECTED_NAMES)),
    ];
    const [theirs, ours] = await both();
    assert.deepEqual(ours, theirs, "berthd's NetworkIDs against dockerd's before the start");
    // What the comparison stands on, seen on dockerd: the default bridge joined at cn-x's run, ls-net not yet.
    assert.deepEqual(theirs, {
      'cn-c': { bridge: { NetworkID: '' }, 'ls-net': { NetworkID: '' } },
      'cn-x': { bridge: { NetworkID: 'set' }, 'ls-net': { NetworkID: '' } },
    });
    for (const e of [engine('dockerd'), engine('berthd')])
      for (const name of CONNECTED_NAMES) {
        const r = await docker(e.env, ['start', '-a', name]);
        assert.equal(r.code, 0, `${e.name}: start -a ${name}: ${r.stderr}`);
      }
    const [after, oursAfter] = await both();
    assert.deepEqual(oursAfter, after, "berthd's NetworkIDs against dockerd's after the start");
    const joined = { bridge: { NetworkID: 'set' }, 'ls-net': { NetworkID: 'set' } };
    assert.deepEqual(after, { 'cn-c': joined, 'cn-x': joined });
  },
);

/** Each ep- container's top-level NetworkSettings.Bridge at 1.41, the engine's own --bridge written `daemon-bridge`. */
async function bridgeValues(e: Engine): Promise<Record<string, string>> {
  const net = JSON.parse((await apiRequest(e.socketPath, '/v1.41/networks/bridge')).body) as {
    Options: Record<string, string>;
  };
  const own = net.Options['com.docker.network.bridge.name'];
  assert.ok(own, `${e.name}: the default bridge network names its bridge`);
  const out: Record<string, string> = {};
  for (const m of MODES)
    for (const st of STATES) {
      const name = `ep-${st}-${m}`;
      const c = JSON.parse((await apiRequest(e.socketPath, `/v1.41/containers/${name}/json`)).body) as {
        NetworkSettings: { Bridge: string };
      };
      out[name] = c.NetworkSettings.Bridge === own ? 'daemon-bridge' : c.NetworkSettings.Bridge;
    }
  return out;
}

test(
  "NetworkSettings.Bridge is the daemon's --bridge for a bridge-mode container once started, as dockerd 20.10",
  { skip },
  async () => {
    await engine.ready();
    const [theirs, ours] = await Promise.all([bridgeValues(engine('dockerd')), bridgeValues(engine('berthd'))]);
    assert.deepEqual(ours, theirs, "berthd's Bridge against dockerd's (both started with a --bridge of their own)");
    // What the comparison stands on, seen on dockerd: set at the first start (--network bridge), kept after an exit.
    assert.deepEqual(
      [theirs['ep-c-bridge'], theirs['ep-r-bridge'], theirs['ep-x-bridge'], theirs['ep-r-ls-net']],
      ['', 'daemon-bridge', 'daemon-bridge', ''],
    );
    // No --network: 20.10 keeps the CLI's "default" and shows ""; berthd stores "bridge" as moby 25-27 do, and shows
    // its --bridge as they do (daemon/container_operations.go updateEndpointNetworkSettings).
    const b = engine('berthd');
    const net = JSON.parse((await apiRequest(b.socketPath, '/v1.47/networks/bridge')).body) as {
      Options: Record<string, string>;
    };
    const running = JSON.parse((await apiRequest(b.socketPath, '/v1.47/containers/ls-running/json')).body) as {
      NetworkSettings: { Bridge: string };
    };
    assert.equal(running.NetworkSettings.Bridge, net.Options['com.docker.network.bridge.name']);
  },
);

interface Def {
  properties: Record<string, unknown>;
}

const without = (keys: string[], allowed: string[]): string[] => keys.filter((k) => !allowed.includes(k));

/** `network inspect host|none`'s Containers, keyed by container name, each endpoint's EndpointID replaced by whether
 * it equals the one the container's own inspect shows for that network (the two views must agree). */
async function modeNetworkContainers(e: Engine, net: string): Promise<Record<string, unknown>> {
  const r = await apiRequest(e.socketPath, `/v1.41/networks/${net}`);
  assert.equal(r.status, 200, `${e.name}: ${r.body}`);
  const listed = (JSON.parse(r.body) as { Containers: Record<string, Record<string, unknown>> }).Containers;
  const out: Record<string, unknown> = {};
  for (const [id, ep] of Object.entries(listed)) {
    const c = JSON.parse((await apiRequest(e.socketPath, `/v1.41/containers/${id}/json`)).body) as {
      Name: string;
      NetworkSettings: { Networks: Record<string, { EndpointID: string }> };
    };
    const own = c.NetworkSettings.Networks[net]?.EndpointID ?? '';
    out[c.Name.slice(1)] = {
      ...ep,
      EndpointID: ep.EndpointID === own && /^[0-9a-f]{64}$/.test(own) ? 'as-inspected' : ep.EndpointID,
    };
  }
  return out;
}

test('`network inspect host` and `none` list the running containers as Docker 20.10 does', { skip }, async () => {
  await engine.ready();
  for (const net of ['host', 'none']) {
    const [theirs, ours] = await Promise.all([
      modeNetworkContainers(engine('dockerd'), net),
      modeNetworkContainers(engine('berthd'), net),
    ]);
    // ls-exited (none) and the created/exited ep- containers are not listed: only the running one.
    assert.deepEqual(Object.keys(theirs), [`ep-r-${net}`], `dockerd lists the running ${net} container`);
    assert.deepEqual(ours, theirs, `${net}: berthd's Containers against dockerd's`);
  }
});

test(
  'a running host or none container shows a sandbox that names its network namespace, on both engines',
  { skip },
  async () => {
    await engine.ready();
    for (const e of [engine('dockerd'), engine('berthd')])
      for (const m of ['host', 'none'])
        for (const st of ['c', 'r']) {
          const name = `ep-${st}-${m}`;
          const c = JSON.parse((await apiRequest(e.socketPath, `/v1.41/containers/${name}/json`)).body) as {
            State: { Pid: number };
            NetworkSettings: { SandboxID: string; SandboxKey: string };
          };
          const { SandboxID: id, SandboxKey: key } = c.NetworkSettings;
          if (st === 'c') {
            assert.deepEqual([id, key], ['', ''], `${e.name} ${name}: no sandbox before the first start`);
            continue;
          }
          assert.match(id, /^[0-9a-f]{64}$/, `${e.name} ${name}: SandboxID`);
          if (e.name === 'dockerd') {
            // Its sandbox's bind mount under its exec root: the host's namespace ("default") or one of its own (none),
            // mounted where a stat from the test does not see it (measured: the empty file beneath).
            assert.match(key, m === 'host' ? /\/netns\/default$/ : /\/netns\/[0-9a-f]{12}$/, `${e.name} ${name}`);
            continue;
          }
          // berthd's key must name the namespace the container's process is in (nsfs inode "net:[N]").
          const inode = /^net:\[(\d+)\]$/.exec(readlinkSync(`/proc/${c.State.Pid}/ns/net`))?.[1];
          assert.ok(inode, `${e.name} ${name}: the process's namespace`);
          assert.equal(String(statSync(key).ino), inode, `${e.name} ${name}: SandboxKey ${key} names it`);
        }
  },
);
