import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFileSchema, resolveConfig } from './config.js';

test('the CRI socket: beside the API socket by default, a path or unix:// URL when given, off when empty', () => {
  assert.equal(resolveConfig({}).criSocket, '/run/berth/cri.sock');
  assert.equal(resolveConfig({ 'exec-root': '/tmp/x/exec' }).criSocket, '/tmp/x/exec/cri.sock');
  assert.equal(resolveConfig({ 'cri-socket': '/run/k8s/berth.sock' }).criSocket, '/run/k8s/berth.sock');
  assert.equal(resolveConfig({ 'cri-socket': 'unix:///run/k8s/berth.sock' }).criSocket, '/run/k8s/berth.sock');
  // daemon.json turns it off; a flag given later turns it on again.
  assert.equal(resolveConfig({ 'cri-socket': '' }).criSocket, undefined);
  assert.equal(resolveConfig({ 'cri-socket': '' }, { 'cri-socket': '/a.sock' }).criSocket, '/a.sock');
  assert.equal(configFileSchema.safeParse({ 'cri-socket': 'relative.sock' }).success, false);
});

test("the CRI streaming server: loopback and any free port by default (containerd's), else as configured", () => {
  assert.deepEqual(resolveConfig({}).criStreamServer, { address: '127.0.0.1', port: 0 });
  assert.deepEqual(resolveConfig({ 'cri-stream-address': '::1', 'cri-stream-port': 10010 }).criStreamServer, {
    address: '::1',
    port: 10010,
  });
  assert.equal(configFileSchema.safeParse({ 'cri-stream-address': 'localhost' }).success, false);
  assert.equal(configFileSchema.safeParse({ 'cri-stream-port': 70000 }).success, false);
});
