import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const MODULE = new URL('./exit-when-written.ts', import.meta.url).href;

/** Runs `body` in a child Node process (stdout and stderr are pipes) with exitWhenWritten imported. */
function child(body: string): { status: number | null; stdout: Buffer; stderr: string } {
  const code = `import { exitWhenWritten } from ${JSON.stringify(MODULE)};\n${body}`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

test('exits at once with the status, without another turn of the event loop', () => {
  // A pending timer would hold a natural exit for a minute, and 'beforeExit' fires only at a natural exit.
  const run = child(`
    process.on('beforeExit', () => process.stderr.write('loop ended\\n'));
    setTimeout(() => process.stderr.write('timer ran\\n'), 60_000);
    process.stdout.write('done\\n');
    exitWhenWritten(5);
  `);
  assert.equal(run.status, 5);
  assert.equal(run.stdout.toString('utf8'), 'done\n');
  assert.equal(run.stderr, '');
});

test('output still queued for a full pipe is written before the process ends', () => {
  // 8 MiB cannot go into a pipe (64 KiB here) in one write: the rest waits in the stream when exitWhenWritten runs.
  const run = child(`
    process.stdout.write(Buffer.alloc(8 * 1024 * 1024, 120));
    exitWhenWritten(3);
  `);
  assert.equal(run.status, 3);
  assert.equal(run.stdout.length, 8 * 1024 * 1024);
  assert.ok(run.stdout.every((byte) => byte === 120));
});

test('output still queued on stderr for a full pipe is written before the process ends', () => {
  const run = child(`
    process.stderr.write(Buffer.alloc(8 * 1024 * 1024, 121));
    exitWhenWritten(4);
  `);
  assert.equal(run.status, 4);
  assert.equal(run.stderr.length, 8 * 1024 * 1024);
  assert.ok(/^y+$/.test(run.stderr));
});
