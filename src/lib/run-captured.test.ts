import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runCaptured, type CommandError } from './run-captured.js';

const sh = (script: string, o = {}) => runCaptured('/bin/sh', ['-c', script], o);

test('runCaptured: output, failures in execFile shape, aborts, and no zombie or leaked fd', async () => {
  // The shell reports its own pid, fds and signal state (builtins only: no fork between).
  const { stdout, stderr } = await sh(
    'echo $$; ls /proc/$$/fd; while read -r l; do case $l in SigIgn*|SigBlk*) echo "$l";; esac; done < /proc/$$/status; echo warn >&2',
  );
  assert.equal(stderr, 'warn\n');
  const [pid, ...rest] = stdout.trim().split('\n');
  // 0-2 and the fd ls reads the directory with at most: nothing of the daemon leaked into the child.
  assert.deepEqual(
    rest.filter((l) => /^\d+$/.test(l)).filter((fd) => Number(fd) > 3),
    [],
    stdout,
  );
  assert.match(stdout, /SigIgn:\s+0+\n/);
  assert.match(stdout, /SigBlk:\s+0+\n/);
  // Reaped: no zombie left behind.
  assert.equal(existsSync(`/proc/${pid}`), false);

  await assert.rejects(sh('echo out; echo bad >&2; exit 3'), (err: CommandError) => {
    assert.equal(err.message, 'Command failed: /bin/sh -c echo out; echo bad >&2; exit 3\nbad\n');
    assert.equal(err.code, 3);
    assert.equal(err.stdout, 'out\n');
    assert.equal(err.stderr, 'bad\n');
    return true;
  });
  await assert.rejects(sh('kill -KILL $$'), { signal: 'SIGKILL', killed: true });
  await assert.rejects(runCaptured('/nonexistent/x', []), { code: 'ENOENT' });
  await assert.rejects(sh('yes'), { code: 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' });

  // An abort ends a long run at once: `exec sleep` so that the SIGTERM reaches the sleep itself.
  const ac = new AbortController();
  const long = sh('exec sleep 30', { signal: ac.signal });
  setImmediate(() => ac.abort());
  await assert.rejects(long, { name: 'AbortError' });
});
