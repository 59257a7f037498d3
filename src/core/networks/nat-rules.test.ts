import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jumpRules, ruleset } from './nat-rules.js';

test('rule set: chains named by prefix, masquerade unless internal, DNAT per port', () => {
  const { nat, filter } = ruleset(
    'BERTH-b0',
    [
      { bridge: 'b0', subnet: '10.1.0.0/24', internal: false, masquerade: true },
      { bridge: 'b1', subnet: '10.2.0.0/24', internal: true, masquerade: true },
    ],
    [{ containerIp: '10.1.0.2', mapping: { proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPort: 18080 } }],
  );
  assert.match(nat, /^\*nat\n:BERTH-b0-DNAT - \[0:0\]\n:BERTH-b0-POST - \[0:0\]\n/);
  assert.match(nat, /-A BERTH-b0-POST -s 10\.1\.0\.0\/24 ! -o b0 -j MASQUERADE/);
  assert.doesNotMatch(nat, /-s 10\.2\.0\.0\/24 ! -o b1/);
  assert.match(
    nat,
    /-A BERTH-b0-DNAT -d 127\.0\.0\.1\/32 -p tcp -m tcp --dport 18080 -j DNAT --to-destination 10\.1\.0\.2:80/,
  );
  assert.match(filter, /-A BERTH-b0-FWD -i b1 ! -o b1 -j DROP/);
  assert.ok(nat.endsWith('COMMIT\n') && filter.endsWith('COMMIT\n'));
  assert.deepEqual(
    jumpRules('P').map(([t, c]) => `${t}/${c}`),
    ['nat/PREROUTING', 'nat/OUTPUT', 'nat/POSTROUTING', 'filter/FORWARD'],
  );
});
