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
