import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHardLimits } from './host-facts.js';
import { oomKillCount } from './cgroup-tree.js';
import { capabilitiesFromMask } from '../../core/runtime/capabilities.js';
import { runcMessage } from './conmon-process.js';

test('/proc/self/limits: hard limits by RLIMIT_ name, unlimited as -1', () => {
  const text = [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max open files            20000                20000                files     ',
    'Max core file size        0                    unlimited            bytes     ',
    'Max processes             96365                96365                processes ',
  ].join('\n');
  assert.deepEqual(parseHardLimits(text), { RLIMIT_NOFILE: 20000, RLIMIT_CORE: -1, RLIMIT_NPROC: 96365 });
});

test('capability masks decode by bit; the oom_kill counter is read from cgroup files', () => {
  const caps = capabilitiesFromMask('000001fffeffffff');
  assert.ok(caps.includes('CAP_CHECKPOINT_RESTORE') && caps.includes('CAP_CHOWN'));
  assert.ok(!caps.includes('CAP_SYS_RESOURCE'), 'bit 24 is clear');
  assert.equal(oomKillCount('oom_kill_disable 0\nunder_oom 0\noom_kill 2\n'), 2);
  assert.equal(oomKillCount('low 0\nhigh 0\nmax 0\noom 0\n'), 0);
});

test("runc's logfmt error lines come down to their message", () => {
  const raw =
    'time="2026-01-01T00:00:00Z" level=error msg="runc create failed: unable to start container process: exec: \\"nope\\": executable file not found in $PATH"\n';
  assert.equal(
    runcMessage(raw),
    'runc create failed: unable to start container process: exec: "nope": executable file not found in $PATH',
  );
  assert.equal(runcMessage('plain words\n'), 'plain words');
});
