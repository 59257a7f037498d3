import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerRecord, ContainerRunState } from '../../core/containers/container-record.js';
import type { EndpointRecord, NetworkRecord } from '../../core/networks/network-record.js';
import { containerNetworkSettings, endpointSettings, holdsModeEndpoint, modeSandboxKey } from './endpoint-settings.js';

const ID = 'c0ffee'.padEnd(64, '0');
const STARTED = '2026-12-05T22:00:00.000000000Z';
const created: ContainerRunState = {
  status: 'created',
  pid: 0,
  exitCode: 0,
  error: '',
  startedAt: '',
  finishedAt: '',
  oomKilled: false,
};
const running: ContainerRunState = { ...created, status: 'running', pid: 42, startedAt: STARTED };
const exited: ContainerRunState = { ...running, status: 'exited', pid: 0, finishedAt: '2026-12-05T22:01:00Z' };

const container = (state: ContainerRunState, mode: string): ContainerRecord =>
  ({ id: ID, name: 'web', state, hostConfig: { NetworkMode: mode }, config: {} }) as unknown as ContainerRecord;

const network = (name: string, driver: NetworkRecord['driver'], isDefault = false): NetworkRecord =>
  ({
    id: `${name}`.padEnd(64, 'f'),
    name,
    driver,
    subnet: driver === 'bridge' ? '10.9.0.0/24' : '',
    gateway: driver === 'bridge' ? '10.9.0.1' : '',
    isDefault,
  }) as NetworkRecord;

const endpoint = (n: NetworkRecord, up: boolean, aliases: string[] = []): EndpointRecord => ({
  id: 'e'.repeat(64),
  networkId: n.id,
  containerId: ID,
  aliases,
  requestedIp: '',
  ip: up ? '10.9.0.2' : '',
  mac: up ? '02:42:0a:09:00:02' : '',
  hostIfName: up ? 'vb1' : '',
});

const modeEntry = (state: ContainerRunState, n: NetworkRecord) =>
  containerNetworkSettings({
    record: container(state, n.name),
    endpoints: [],
    modeNetwork: n,
    sandboxKey: '',
    ports: {},
  }).Networks?.[n.name];

test('a network entry has no NetworkID before the first start, and keeps it after an exit (Docker)', () => {
  const user = network('app', 'bridge');
  const bridge = network('bridge', 'bridge', true);
  for (const n of [user, bridge]) {
    assert.equal(endpointSettings(container(created, n.name), endpoint(n, false), n).NetworkID, '', n.name);
    assert.equal(endpointSettings(container(running, n.name), endpoint(n, true), n).NetworkID, n.id, n.name);
    const after = endpointSettings(container(exited, n.name), endpoint(n, false), n);
    assert.equal(after.NetworkID, n.id, n.name);
    assert.equal(after.EndpointID, '', `${n.name}: the endpoint goes with the exit`);
  }
});

test('DNSNames on a user network: name, aliases, short id from the first start on; none on the default bridge', () => {
  const user = network('app', 'bridge');
  const names = ['web', 'api', ID.slice(0, 12)];
  assert.equal(endpointSettings(container(created, 'app'), endpoint(user, false, ['api']), user).DNSNames, null);
  assert.deepEqual(endpointSettings(container(running, 'app'), endpoint(user, true, ['api']), user).DNSNames, names);
  assert.deepEqual(endpointSettings(container(exited, 'app'), endpoint(user, false, ['api']), user).DNSNames, names);
  const dup = endpointSettings(container(running, 'app'), endpoint(user, true, ['web']), user).DNSNames;
  assert.deepEqual(dup, ['web', ID.slice(0, 12)], 'an alias equal to the name is listed once');
  const bridge = network('bridge', 'bridge', true);
  assert.equal(endpointSettings(container(running, 'bridge'), endpoint(bridge, true), bridge).DNSNames, null);
});

test('host and none: NetworkID from the first start, an EndpointID while running, new at each start', () => {
  for (const n of [network('host', 'host'), network('none', 'null')]) {
    const before = modeEntry(created, n);
    assert.equal(before?.NetworkID, '', n.name);
    assert.equal(before?.EndpointID, '', n.name);
    const up = modeEntry(running, n);
    assert.equal(up?.NetworkID, n.id, n.name);
    assert.match(up?.EndpointID ?? '', /^[0-9a-f]{64}$/, n.name);
    assert.equal(modeEntry(running, n)?.EndpointID, up?.EndpointID, `${n.name}: the same while it runs`);
    const paused = modeEntry({ ...running, status: 'paused' }, n);
    assert.equal(paused?.EndpointID, up?.EndpointID, `${n.name}: kept while paused`);
    const again = modeEntry({ ...running, startedAt: '2026-12-05T22:05:00.000000000Z' }, n);
    assert.notEqual(again?.EndpointID, up?.EndpointID, `${n.name}: a new one at the next start`);
    const down = modeEntry(exited, n);
    assert.equal(down?.NetworkID, n.id, n.name);
    assert.equal(down?.EndpointID, '', n.name);
    assert.equal(
      modeEntry({ ...exited, status: 'restarting' }, n)?.EndpointID,
      '',
      `${n.name}: released while restarting`,
    );
  }
});

test('a host or none endpoint is held (and listed by network inspect) only while running or paused', () => {
  const held = (state: ContainerRunState): boolean => holdsModeEndpoint(container(state, 'host'));
  assert.equal(held(created), false);
  assert.equal(held(running), true);
  assert.equal(held({ ...running, status: 'paused' }), true);
  assert.equal(held({ ...exited, status: 'restarting' }), false);
  assert.equal(held(exited), false);
});

test("a running host or none container's SandboxKey is its process's network namespace, only while it runs", () => {
  for (const mode of ['host', 'none']) {
    assert.equal(modeSandboxKey(container(running, mode)), '/proc/42/ns/net', mode);
    assert.equal(modeSandboxKey(container({ ...running, status: 'paused' }, mode)), '/proc/42/ns/net', mode);
    for (const state of [created, exited, { ...exited, status: 'restarting' as const }])
      assert.equal(modeSandboxKey(container(state, mode)), '', `${mode} ${state.status}`);
  }
  for (const mode of ['bridge', 'container:other', 'my-net'])
    assert.equal(modeSandboxKey(container(running, mode)), '', `${mode}: not a mode sandbox`);
  const disabled = { ...container(running, 'none'), config: { NetworkDisabled: true } } as ContainerRecord;
  assert.equal(modeSandboxKey(disabled), '', 'no network at all');
});

test('the top-level fields follow the default bridge entry only', () => {
  const bridge = network('bridge', 'bridge', true);
  const s = containerNetworkSettings({
    record: container(running, 'bridge'),
    endpoints: [{ endpoint: endpoint(bridge, true), network: bridge }],
    modeNetwork: bridge,
    sandboxKey: '/run/netns/x',
    ports: {},
  });
  assert.equal(s.EndpointID, 'e'.repeat(64));
  assert.equal(s.IPAddress, '10.9.0.2');
  const none = network('none', 'null');
  const n = containerNetworkSettings({
    record: container(running, 'none'),
    endpoints: [],
    modeNetwork: none,
    sandboxKey: '',
    ports: {},
  });
  assert.equal(n.EndpointID, '', 'none is not the default bridge: its endpoint is not mirrored at the top');
});

test('DNSNames end with the hostname, as moby 25-27 list it (once, and not when empty)', () => {
  const user = network('app', 'bridge');
  const named = (hostname: string | undefined, aliases: string[]) =>
    endpointSettings(
      { ...container(running, 'app'), config: { Hostname: hostname } } as ContainerRecord,
      endpoint(user, true, aliases),
      user,
    ).DNSNames;
  assert.deepEqual(named('hh', ['al']), ['web', 'al', ID.slice(0, 12), 'hh']);
  assert.deepEqual(named('web', []), ['web', ID.slice(0, 12)], 'a hostname equal to the name');
  assert.deepEqual(named(ID.slice(0, 12), []), ['web', ID.slice(0, 12)], "the default hostname, Docker's short id");
  assert.deepEqual(named('', []), ['web', ID.slice(0, 12)]);
});

test('an endpoint connected while the container was stopped: configured (DNSNames), no NetworkID until joined', () => {
  const user = network('app', 'bridge');
  const at = (state: ContainerRunState, stage: EndpointRecord['stage'], up = false) =>
    endpointSettings(container(state, 'bridge'), { ...endpoint(user, up), stage }, user);
  const names = ['web', ID.slice(0, 12)];
  for (const state of [created, exited]) {
    const connected = at(state, 'connected');
    assert.equal(connected.NetworkID, '', `${state.status}: not joined yet`);
    assert.deepEqual(connected.DNSNames, names, `${state.status}: Docker configured it at the connect`);
    const made = at(state, 'created');
    assert.equal(made.NetworkID, '', state.status);
    assert.equal(made.DNSNames, null, `${state.status}: recorded at create, never joined`);
  }
  assert.equal(at(running, 'joined', true).NetworkID, user.id);
  const after = at(exited, 'joined');
  assert.equal(after.NetworkID, user.id, 'kept after an exit');
  assert.deepEqual(after.DNSNames, names);
  // A record written before stages were kept reads as before: joined once the container started.
  assert.equal(at(exited, undefined).NetworkID, user.id);
  assert.equal(at(created, undefined).NetworkID, '');
  assert.equal(at(created, undefined).DNSNames, null);
});

test("Bridge: the daemon's --bridge once a bridge-mode container joined an endpoint, kept after an exit", () => {
  const bridge = network('bridge', 'bridge', true);
  const user = network('app', 'bridge');
  const shown = (state: ContainerRunState, mode: string, n: NetworkRecord, up: boolean, option = 'br-x') =>
    containerNetworkSettings({
      record: container(state, mode),
      endpoints: [
        { endpoint: { ...endpoint(n, up), stage: up || state === exited ? 'joined' : 'created' }, network: n },
      ],
      modeNetwork: n,
      sandboxKey: '',
      ports: {},
      bridgeOption: option,
    }).Bridge;
  assert.equal(shown(created, 'bridge', bridge, false), '', 'not before the first start');
  assert.equal(shown(running, 'bridge', bridge, true), 'br-x');
  assert.equal(shown(exited, 'bridge', bridge, false), 'br-x', 'kept after an exit');
  assert.equal(shown(running, 'bridge', bridge, true, ''), '', 'no --bridge given: "" as Docker with docker0');
  assert.equal(shown(running, 'app', user, true), '', 'only for the bridge mode');
});
