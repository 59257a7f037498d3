// --log-opt max-size/max-file against Docker's own engine, for output that comes faster than a rotator looks: the
// same containers on dockerd 20.10 and berthd. dockerd rotates on the write after the one that brought the file to
// max-size, so every rotated file ends on the first line at or past max-size, at most max-file files are kept, and
// `docker logs` prints exactly what they hold: the last lines written, none missing in between. berthd keeps its log
// in conmon's k8s-file format (a line is ~54 bytes where json-file's is ~79), so it keeps more lines in the same
// bytes: the tests compare the rules, not the counts. Skips without root or without dockerd.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { spawn } from 'node:child_process';
import { docker } from '../helpers/run.js';
import { ENGINES, skipClients, useEngines, type Engine } from '../helpers/engines.js';

const skip = skipClients();
const engine = useEngines(skip);
const MAX_SIZE = 1024;

const burst = (n: number, prefix = 'line'): string =>
  `i=0; while [ $i -lt ${n} ]; do echo "${prefix} $i"; i=$((i+1)); done`;

/** The container's log files, oldest first (the live one last), as their lines. */
async function logFiles(e: Engine, name: string): Promise<{ name: string; bytes: number; lines: string[] }[]> {
  const path = (await docker(e.env, ['inspect', '-f', '{{.LogPath}}', name])).stdout.trim();
  const base = basename(path);
  const names = readdirSync(dirname(path)).filter((f) => f === base || /^\.\d+$/.test(f.slice(base.length)));
  names.sort((a, b) => Number(b.slice(base.length + 1) || 0) - Number(a.slice(base.length + 1) || 0));
  return names.map((f) => {
    const text = readFileSync(join(dirname(path), f), 'utf8');
    return {
      name: f.slice(base.length) || 'live',
      bytes: statSync(join(dirname(path), f)).size,
      lines: text.split('\n').filter(Boolean),
    };
  });
}

/** Docker's rotation rule on one engine's files: each rotated file ended by the first line that reached max-size. */
function assertRotatedAtMaxSize(side: string, files: { name: string; bytes: number; lines: string[] }[]): void {
  for (const f of files.filter((x) => x.name !== 'live')) {
    const last = Buffer.byteLength(`${f.lines.at(-1) ?? ''}\n`);
    assert.ok(
      f.bytes >= MAX_SIZE && f.bytes - last < MAX_SIZE,
      `${side} ${f.name}: ${f.bytes} bytes, its last line ${last}`,
    );
  }
}

const printed = (stdout: string): string[] => stdout.split('\n').filter(Boolean);

/** `lines` are `prefix i` for consecutive i ending at `last`. */
function assertSuffix(side: string, lines: string[], last: number, prefix = 'line'): void {
  assert.ok(lines.length > 0, `${side}: no lines`);
  const first = last - lines.length + 1;
  assert.deepEqual(
    lines,
    Array.from({ length: lines.length }, (_, i) => `${prefix} ${first + i}`),
    `${side}: the last lines, none missing`,
  );
}

describe('log rotation after a burst, side by side with dockerd', { skip }, () => {
  for (const maxFile of [1, 2, 3])
    test(`200 lines at once, max-size=1k max-file=${maxFile}: at most max-file files, logs print what they keep`, async () => {
      await engine.ready();
      const kept: Record<string, number> = {};
      await Promise.all(
        ENGINES.map(async (side) => {
          const e = engine(side);
          const name = `burst-${maxFile}`;
          const run = await docker(e.env, [
            'run',
            '--name',
            name,
            '--network',
            'none',
            '--log-opt',
            'max-size=1k',
            '--log-opt',
            `max-file=${maxFile}`,
            'busybox',
            'sh',
            '-c',
            burst(200),
          ]);
          assert.equal(run.code, 0, run.stderr);
          // berthd's attach reads the log, which conmon's cap replaces in place with max-file=1: a burst outruns it
          // (lines lost on the terminal, not in what the log keeps). Left open; see docs/architecture.md.
          if (maxFile > 1 || side === 'dockerd')
            assert.equal(printed(run.stdout).length, 200, `${side}: the attached run printed every line`);
          const logs = printed((await docker(e.env, ['logs', name])).stdout);
          assertSuffix(side, logs, 199);
          assert.ok(logs.length < 200, `${side}: ${logs.length} lines kept of 200`);
          kept[side] = logs.length;
          if (maxFile > 1) {
            // dockerd 20.10 leaves a stale `.1` beside a max-file=1 log (it only truncates after that): not compared.
            const files = await logFiles(e, name);
            assert.equal(files.length, maxFile, `${side}: ${files.map((f) => f.name).join(' ')}`);
            assertRotatedAtMaxSize(side, files);
            assert.deepEqual(
              files.flatMap((f) => f.lines).length,
              logs.length,
              `${side}: the files hold what logs prints`,
            );
            // Tail and since/until read across the files as one log.
            assert.deepEqual(printed((await docker(e.env, ['logs', '--tail', '3', name])).stdout), logs.slice(-3));
          } else if (side === 'berthd') {
            // One file: conmon truncates it before a write would take it past max-size.
            const [live] = await logFiles(e, name);
            assert.ok((live?.bytes ?? 0) <= MAX_SIZE, `berthd: ${live?.bytes} bytes`);
          }
          await docker(e.env, ['rm', name]);
        }),
      );
      if (kept.dockerd !== undefined && kept.berthd !== undefined)
        // k8s-file lines are about two thirds of json-file's: berthd keeps more of them in the same bytes, never fewer.
        assert.ok(kept.berthd >= kept.dockerd, JSON.stringify(kept));
    });

  test('the local driver keeps to max-size/max-file as json-file does', async () => {
    await engine.ready();
    const e = engine('berthd');
    const run = await docker(e.env, [
      'run',
      '--name',
      'burst-local',
      '--network',
      'none',
      '--log-driver',
      'local',
      '--log-opt',
      'max-size=1k',
      '--log-opt',
      'max-file=2',
      'busybox',
      'sh',
      '-c',
      burst(200),
    ]);
    assert.equal(run.code, 0, run.stderr);
    const logs = printed((await docker(e.env, ['logs', 'burst-local'])).stdout);
    assertSuffix('berthd', logs, 199);
    const files = await logFiles(e, 'burst-local');
    assert.equal(files.length, 2);
    assertRotatedAtMaxSize('berthd', files);
    await docker(e.env, ['rm', 'burst-local']);
  });
});

describe('logs -f across rotations, side by side with dockerd', { skip }, () => {
  test('a follower of 5 bursts with max-size=1k max-file=2: berthd delivers each line once, in order', async () => {
    await engine.ready();
    const script = `sleep 1; r=0; while [ $r -lt 5 ]; do ${burst(100, '$r')}; r=$((r+1)); sleep 0.3; done`;
    const results: Record<string, string[]> = {};
    await Promise.all(
      ENGINES.map(async (side) => {
        const e = engine(side);
        const run = await docker(e.env, [
          'run',
          '-d',
          '--name',
          'follow',
          '--network',
          'none',
          '--log-opt',
          'max-size=1k',
          '--log-opt',
          'max-file=2',
          'busybox',
          'sh',
          '-c',
          script,
        ]);
        assert.equal(run.code, 0, run.stderr);
        // Followed from before the first line (the container sleeps first) until it exits.
        const follower = spawn('docker', ['logs', '-f', 'follow'], { env: { ...e.env, DOCKER_CLI_HINTS: 'false' } });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        follower.stdout.on('data', (c: Buffer) => out.push(c));
        follower.stderr.on('data', (c: Buffer) => err.push(c));
        const code = await new Promise<number | null>((resolve) => follower.on('close', resolve));
        if (side === 'berthd') assert.equal(code, 0, Buffer.concat(err).toString());
        results[side] = printed(Buffer.concat(out).toString('utf8'));
        // dockerd's follower can end before the container does (an error across a rotation).
        assert.equal((await docker(e.env, ['wait', 'follow'])).stdout.trim(), '0');
        const files = await logFiles(e, 'follow');
        assert.equal(files.length, 2, `${side}: ${files.map((f) => f.name).join(' ')}`);
        assertRotatedAtMaxSize(side, files);
        const logs = printed((await docker(e.env, ['logs', 'follow'])).stdout);
        assert.deepEqual(files.flatMap((f) => f.lines).length, logs.length);
        assert.equal(logs.at(-1), '4 99', `${side}: the last line is kept`);
        await docker(e.env, ['rm', 'follow']);
      }),
    );
    const all = Array.from({ length: 500 }, (_, i) => `${Math.floor(i / 100)} ${i % 100}`);
    if (results.berthd) assert.deepEqual(results.berthd, all);
    // dockerd 20.10's follower is no yardstick here: across rotations it loses and repeats lines (measured
    // 2026-12-06: 130 lines printed, 104 distinct, of 500). Only its files are checked above.
  });
});
