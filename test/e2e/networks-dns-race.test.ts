// The embedded DNS knows a container before its process runs: a container that asks for its own name, its alias
// and a replica's alias as its very first act gets their addresses, never the upstream's answer (in the test
// engines the upstream answers nothing, so a name the DNS did not know yet is busybox's ";; connection timed out",
// the failure once seen after a scaled `up -d`). Replicas started all at once, as compose starts them; a name added
// by `network connect` to a running container is known once the connect returned. On Docker's engine 20.10 and berthd side by side; the containers' own exits are the waits, no sleeps.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, skipClients, useEngines, type Engine } from '../helpers/engines.js';
import { docker } from '../helpers/run.js';

const skip = skipClients();
const engineOf = useEngines(skip);
const REPLICAS = 4;

/** The IPv4 addresses busybox's nslookup printed for the name (the server's own line, ending :53, left out). */
const answered = (out: string): string[] =>
  out
    .split('\n')
    .map((l) => /^Address:?\s+(\d+\.\d+\.\d+\.\d+)$/.exec(l.trim())?.[1])
    .filter((a): a is string => Boolean(a));

for (const name of ENGINES) {
  describe(`embedded DNS against ${name}: names known before the process runs`, { skip }, () => {
    let engine: Engine;
    const ok = async (args: string[]): Promise<string> => {
      const r = await docker(engine.env, args);
      assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim();
    };
    const addressOn = (container: string): Promise<string> =>
      ok(['inspect', '-f', '{{(index .NetworkSettings.Networks "dnsrace").IPAddress}}', container]);

    before(async () => {
      engine = engineOf(name);
      await ok(['network', 'create', 'dnsrace']);
    });
    after(async () => {
      if (!engine) return;
      const left = (await docker(engine.env, ['ps', '-aq', '--filter', 'network=dnsrace'])).stdout.split('\n');
      if (left.some(Boolean)) await docker(engine.env, ['rm', '-f', ...left.filter(Boolean)]);
      await docker(engine.env, ['network', 'rm', 'dnsrace']);
    });

    test('replicas started at once each resolve their own name and the shared alias as their first act', async () => {
      const names = Array.from({ length: REPLICAS }, (_, i) => `dnsrace-worker-${i + 1}`);
      // Its own address last, read off eth0 (an exited container shows none in inspect). Not `hostname -i`: that
      // resolves the hostname (the short ID) through DNS and /etc/hosts, and once in CI (2026-12-05) it printed
      // nothing and failed on berthd right after both nslookups had answered; unexplained, kept out of this test's
      // question (whether names are known before the process runs), noted for the DNS investigation.
      const script =
        'nslookup "$1"; echo ===; nslookup worker; echo ===; ip -4 -o addr show eth0 | awk \'{print $4}\' | cut -d/ -f1';
      await Promise.all(
        names.map((n) =>
          ok([
            'run',
            '-d',
            '--name',
            n,
            '--network',
            'dnsrace',
            '--network-alias',
            'worker',
            'busybox',
            'sh',
            '-c',
            script,
            'sh',
            n,
          ]),
        ),
      );
      for (const n of names) {
        assert.equal(
          await ok(['wait', n]),
          '0',
          `${n}: nslookup failed:\n${(await docker(engine.env, ['logs', n])).stdout}`,
        );
        const log = await docker(engine.env, ['logs', n]);
        const [own = '', alias = '', self = ''] = log.stdout.split('===\n').map((part) => part.trim());
        assert.deepEqual(answered(own), [self], `${n} resolves itself:\n${log.stdout}${log.stderr}`);
        assert.ok(answered(alias).includes(self), `worker includes ${n} itself:\n${log.stdout}${log.stderr}`);
      }
      await ok(['rm', ...names]);
    });

    test('a name connected to a running container is known once the connect returned', async () => {
      await ok(['run', '-d', '--name', 'dnsrace-probe', '--network', 'dnsrace', 'busybox', 'sleep', '600']);
      await ok(['create', '--name', 'dnsrace-late', 'busybox', 'sleep', '600']);
      await ok(['start', 'dnsrace-late']);
      await ok(['network', 'connect', '--alias', 'latecomer', 'dnsrace', 'dnsrace-late']);
      const found = await docker(engine.env, ['exec', 'dnsrace-probe', 'nslookup', 'latecomer']);
      assert.equal(found.code, 0, found.stdout + found.stderr);
      assert.deepEqual(answered(found.stdout), [await addressOn('dnsrace-late')], found.stdout);
      await ok(['rm', '-f', 'dnsrace-probe', 'dnsrace-late']);
    });
  });
}
