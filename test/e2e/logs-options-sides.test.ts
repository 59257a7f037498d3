// `docker logs` options against Docker's own engine, side by side on dockerd 20.10 and berthd: --details (the
// attributes a log driver records, a lone space without any), --tail with a value that is no count (every line,
// as dockerd's Atoi fallback), and since/until through the API, which dockerd reads as "seconds[.fraction]" only
// (strconv's words otherwise, as a 400 where dockerd answers a 500; the CLI converts durations and dates itself). Skips without root or dockerd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiRequest } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { ENGINES, skipClients, useEngines } from '../helpers/engines.js';

const skip = skipClients();
const engine = useEngines(skip);

/** What a CLI call gave, daemon-neutral. */
async function outcome(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const r = await docker(env, args);
  const sorted = (s: string): string => s.split('\n').sort().join('\n'); // stdout and stderr race on dockerd too
  return `${args.join(' ')} -> ${r.code} out=${JSON.stringify(sorted(r.stdout))} err=${JSON.stringify(r.stderr.trim())}`;
}

test('logs --details, --tail and since/until as dockerd answers them', { skip }, async () => {
  await engine.ready();
  const results: Record<string, string[]> = {};
  await Promise.all(
    ENGINES.map(async (side) => {
      const e = engine(side);
      const out: string[] = [];
      const made = await docker(e.env, [
        'run',
        '--name',
        'opts',
        '--network',
        'none',
        '--label',
        'team=a b',
        '--label',
        'other=x',
        '-e',
        'FOO=1=2',
        '-e',
        'XY=z',
        '--log-opt',
        'labels=team,none',
        '--log-opt',
        'env=FOO',
        '--log-opt',
        'env-regex=^X',
        'busybox',
        'sh',
        '-c',
        'echo out1; echo err1 >&2',
      ]);
      assert.equal(made.code, 0, made.stderr);
      await docker(e.env, ['run', '--name', 'plain', '--network', 'none', 'busybox', 'echo', 'hello']);
      for (const args of [
        ['logs', '--details', 'opts'],
        ['logs', '--details', 'plain'],
        ['logs', '--tail', 'abc', 'opts'],
        ['logs', '--tail', '-1', 'opts'],
        ['logs', '--tail', '1.5', 'opts'],
        ['logs', '--tail', '0', 'opts'],
        ['logs', '--since', 'garbage', 'opts'],
        ['logs', '--until', 'garbage', 'opts'],
        ['logs', '--since', '2030-01-01T00:00:00Z', '--until', '2020-01-01T00:00:00Z', 'opts'],
      ])
        out.push(await outcome(e.env, args));
      for (const q of [
        'since=abc',
        'until=abc',
        'since=1.5.3',
        'since=1h',
        'since=-5',
        'until=99999999999999999999',
        'tail=x&details=1',
      ]) {
        const r = await apiRequest(e.socketPath, `/v1.41/containers/plain/logs?stdout=1&${q}`, { method: 'GET' });
        // dockerd answers a bad since/until with a 500; berthd, where bad input is never a 500, a 400 in its words.
        if (side === 'dockerd' && r.status === 500) r.status = 400;
        out.push(
          `GET logs?${q} -> ${r.status} ${r.status === 200 ? JSON.stringify(r.body.replace(/[\0-\x08]/g, '')) : r.body.trim()}`,
        );
      }
      await docker(e.env, ['rm', 'opts', 'plain']);
      results[side] = out;
    }),
  );
  if (results.dockerd && results.berthd) assert.deepEqual(results.berthd, results.dockerd);
  assert.match(results.berthd?.[0] ?? '', /FOO=1%3D2,XY=z,team=a\+b out1/);
});
