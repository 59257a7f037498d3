import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMounts } from './mount-specs.js';

test('binds, mounts and tmpfs become one plan', () => {
  const plan = planMounts({
    Binds: ['/srv/data:/data:ro', 'cache:/cache'],
    Mounts: [{ Type: 'tmpfs', Target: '/scratch', TmpfsOptions: { SizeBytes: 1024 } }],
    Tmpfs: { '/run': 'size=64m' },
  });
  assert.deepEqual(
    plan.map((m) => [m.type, m.source, m.destination, m.readOnly]),
    [
      ['bind', '/srv/data', '/data', true],
      ['volume', 'cache', '/cache', false],
      ['tmpfs', 'tmpfs', '/scratch', false],
      ['tmpfs', 'tmpfs', '/run', false],
    ],
  );
  assert.equal(plan[0]?.createSource, true);
});

test('bad specs are refused with Docker-style messages', () => {
  assert.equal(planMounts({ Binds: ['/a'] })[0]?.type, 'volume');
  assert.throws(() => planMounts({ Binds: ['a'] }), /invalid volume specification: 'a'/);
  assert.throws(
    () => planMounts({ Mounts: [{ Type: 'volume', Source: 'v', Target: '/x', BindOptions: {} }] }),
    /field BindOptions must not be specified/,
  );
  assert.throws(() => planMounts({ Binds: ['/a:relative'] }), /must be absolute/);
  assert.throws(() => planMounts({ Binds: ['/a:/x:bogus'] }), /invalid mode: bogus/);
  assert.throws(() => planMounts({ Mounts: [{ Type: 'bind', Target: '/x' }] }), /field Source must not be empty/);
  assert.throws(() => planMounts({ Binds: ['/a:/x', '/b:/x'] }), /Duplicate mount point: \/x/);
  assert.equal(planMounts({ Mounts: [{ Type: 'bind', Source: '/nope', Target: '/x' }] })[0]?.createSource, false);
});
