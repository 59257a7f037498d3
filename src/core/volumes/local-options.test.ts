import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceMount, validateLocalOptions } from './local-options.js';

test('local driver options: Docker messages for unknown and incomplete options', () => {
  assert.throws(() => validateLocalOptions('v', { foo: 'bar' }), /^EngineError: create v: invalid option: "foo"$/);
  assert.throws(() => validateLocalOptions('v', { type: 'tmpfs' }), /create v: missing required option: "device"/);
  assert.throws(() => validateLocalOptions('v', { o: 'bind' }), /create v: missing required option: "device"/);
  assert.throws(() => validateLocalOptions('v', { device: '/x' }), /create v: missing required option: "type"/);
  assert.doesNotThrow(() => validateLocalOptions('v', { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' }));
  assert.doesNotThrow(() => validateLocalOptions('v', {}));
});

test('local driver options: the mount they ask for', () => {
  assert.equal(deviceMount({}), undefined);
  assert.deepEqual(deviceMount({ type: 'none', o: 'bind', device: '/srv' }), {
    type: 'none',
    device: '/srv',
    options: 'bind',
  });
});
