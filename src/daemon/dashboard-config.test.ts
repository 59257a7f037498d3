import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDashboardAddress, resolveDashboardConfig, isLoopbackHost } from './dashboard-config.js';
import { resolveConfig } from './config.js';

test('dashboard addresses: host:port, [v6]:port, off', () => {
  assert.deepEqual(parseDashboardAddress('127.0.0.1:9900'), { host: '127.0.0.1', port: 9900 });
  assert.deepEqual(parseDashboardAddress('[::1]:0'), { host: '::1', port: 0 });
  assert.deepEqual(parseDashboardAddress('localhost:8080'), { host: 'localhost', port: 8080 });
  assert.equal(parseDashboardAddress('off'), undefined);
  for (const bad of ['9900', '127.0.0.1', '127.0.0.1:99999', '::1:80', 'host:port'])
    assert.throws(() => parseDashboardAddress(bad), /invalid dashboard address/);
});

test('loopback by default; another address needs a token of some length', () => {
  assert.deepEqual(resolveDashboardConfig(undefined, undefined), {
    host: '127.0.0.1',
    port: 9900,
    token: undefined,
    explicit: false,
  });
  assert.equal(resolveDashboardConfig('off', undefined).host, undefined);
  assert.throws(() => resolveDashboardConfig('0.0.0.0:9900', undefined), /not loopback: set a token/);
  assert.throws(() => resolveDashboardConfig('192.168.1.5:9900', undefined), /not loopback/);
  assert.throws(() => resolveDashboardConfig('127.0.0.1:9900', 'short'), /at least 16/);
  assert.deepEqual(resolveDashboardConfig('0.0.0.0:9900', 'a-long-enough-token'), {
    host: '0.0.0.0',
    port: 9900,
    token: 'a-long-enough-token',
    explicit: true,
  });
  assert.ok(isLoopbackHost('127.8.0.1') && isLoopbackHost('::1') && !isLoopbackHost('0.0.0.0'));
});

test('daemon.json keys dashboard and dashboard-token', () => {
  assert.equal(resolveConfig({ dashboard: 'off' }).dashboard.host, undefined);
  assert.equal(resolveConfig({ dashboard: '127.0.0.1:1234' }, { dashboard: '127.0.0.1:0' }).dashboard.port, 0);
  assert.equal(resolveConfig({}).dashboard.port, 9900);
});
