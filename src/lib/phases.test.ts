import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { phase, timedPhases } from './phases.js';

function capture(level: string): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}

test('logs each phase of an operation at debug level, across awaits', async () => {
  const { logger, lines } = capture('debug');
  const result = await timedPhases(logger, 'start', { container: 'abc' }, async () => {
    await new Promise((r) => setTimeout(r, 5));
    phase('mount');
    await Promise.resolve();
    phase('runtime');
    return 42;
  });
  assert.equal(result, 42);
  await new Promise((r) => setImmediate(r));
  const line = lines.find((l) => l.msg === 'phases');
  assert.ok(line, 'a phases line was logged');
  assert.equal(line.operation, 'start');
  assert.equal(line.container, 'abc');
  const phases = line.phasesMs as Record<string, number>;
  assert.deepEqual(Object.keys(phases), ['mount', 'runtime', 'rest']);
  assert.ok(phases.mount! >= 4, `mount took ${phases.mount} ms`);
  assert.ok((line.totalMs as number) >= phases.mount!);
});

test('marks a failed operation and rethrows', async () => {
  const { logger, lines } = capture('debug');
  await assert.rejects(
    timedPhases(logger, 'remove', {}, async () => {
      phase('kill');
      throw new Error('boom');
    }),
    /boom/,
  );
  await new Promise((r) => setImmediate(r));
  assert.equal(lines.find((l) => l.msg === 'phases')?.failed, true);
});

test('measures nothing when debug is off, and phase() outside an operation is a no-op', async () => {
  const { logger, lines } = capture('info');
  phase('stray');
  assert.equal(await timedPhases(logger, 'start', {}, async () => (phase('x'), 1)), 1);
  await new Promise((r) => setImmediate(r));
  assert.equal(lines.length, 0);
});
