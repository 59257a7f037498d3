import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVolumeMount } from './volume-syntax.js';

const parse = (v: unknown): unknown => parseVolumeMount(v, '/proj', 'v');

test('short syntax: anonymous, named, bind (relative to the project), modes', () => {
  assert.deepEqual(parse('/data'), { type: 'volume', target: '/data', readOnly: false, nocopy: false });
  assert.deepEqual(parse('db:/var/db:ro'), {
    type: 'volume',
    source: 'db',
    target: '/var/db',
    readOnly: true,
    nocopy: false,
  });
  assert.deepEqual(parse('./site:/www:ro,z'), {
    type: 'bind',
    source: '/proj/site',
    target: '/www',
    readOnly: true,
    createHostPath: true,
    selinux: 'z',
  });
  assert.throws(() => parse('db:/x:bogus'), /invalid mode "bogus"/);
  assert.throws(() => parse('a:b:c:d'), /invalid volume specification/);
});

test('long syntax', () => {
  assert.deepEqual(parse({ type: 'volume', source: 'db', target: '/d', volume: { nocopy: true } }), {
    type: 'volume',
    source: 'db',
    target: '/d',
    readOnly: false,
    nocopy: true,
  });
  assert.deepEqual(
    parse({ type: 'bind', source: 'x', target: '/x', read_only: true, bind: { create_host_path: false } }),
    {
      type: 'bind',
      source: '/proj/x',
      target: '/x',
      readOnly: true,
      createHostPath: false,
    },
  );
  assert.deepEqual(parse({ type: 'tmpfs', target: '/t', tmpfs: { size: 1024, mode: '1777' } }), {
    type: 'tmpfs',
    target: '/t',
    readOnly: false,
    size: 1024,
    mode: 0o1777,
  });
  assert.throws(() => parse({ type: 'npipe', source: 'x', target: '/x' }), /volume type "npipe" is not supported/);
});
