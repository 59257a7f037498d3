// `network connect` / `network disconnect` events as Docker's engine 20.10 publishes them, side by side with berthd:
// one connect per network a container joins at its start (before `start`), one disconnect per network its exit's
// clean-up leaves (after `die`, before `stop` or `destroy`), on the default bridge and on user networks alike; a
// connect of a running container reports its connect once and a disconnect twice (20.10 reports the endpoint's leave
// and the request), a connect of a stopped container nothing (it joins at the next start), a disconnect of a stopped
// one once. The same docker CLI commands run against both engines, one container at a time (so the order is
// deterministic), and the listed events (`docker events --since/--until`) are compared line by line, container
// and network ids replaced by their order of appearance.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, skipClients, useEngines, type Engine, type EngineName } from '../helpers/engines.js';
import { docker } from '../helpers/run.js';

const skip = skipClients();
const engineOf = useEngines(skip);
const seen = new Map<EngineName, string[]>();

/** Container lifecycle and network events; kill and attach are left out (not this file's question). */
const ACTIONS = ['create', 'start', 'die', 'stop', 'destroy', 'connect', 'disconnect'];

/** Ids by order of first appearance (container and network ids differ between engines, their order must not); a
 * run of one container's connects or disconnects sorted, as dockerd walks a container's networks in Go map order
 * (random from run to run). */
function normalise(lines: string[]): string[] {
  const ids = new Map<string, string>();
  const named = lines.map((l) =>
    l.replace(/\b[0-9a-f]{64}\b/g, (id) => {
      if (!ids.has(id)) ids.set(id, `<id${ids.size + 1}>`);
      return ids.get(id) ?? id;
    }),
  );
  const runKey = (l: string): string | undefined =>
    /^network (connect|disconnect) <id\d+> \{"container":"(<id\d+>)"/.exec(l)?.slice(1, 3).join(' ');
  const out: string[] = [];
  for (let i = 0; i < named.length;) {
    const key = runKey(named[i] ?? '');
    let j = i + 1;
    while (key && j < named.length && runKey(named[j] ?? '') === key) j++;
    out.push(...named.slice(i, j).sort());
    i = j;
  }
  return out;
}

for (const name of ENGINES) {
  describe(`network events against ${name}`, { skip }, () => {
    let engine: Engine;
    const ok = async (args: string[]): Promise<string> => {
      const r = await docker(engine.env, args);
      assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim();
    };

    before(() => {
      engine = engineOf(name);
    });

    test('run, connect, disconnect, stop, rm on the default bridge and a user network', async () => {
      const since = String(Math.floor(Date.now() / 1000) - 1);
      await ok(['network', 'create', 'evnet']);
      await ok(['run', '-d', '--name', 'ev-a', 'busybox', 'sleep', '300']);
      await ok(['run', '-d', '--name', 'ev-b', '--network', 'evnet', 'busybox', 'sleep', '300']);
      await ok(['network', 'connect', 'evnet', 'ev-a']);
      await ok(['network', 'disconnect', 'evnet', 'ev-a']);
      await ok(['network', 'connect', 'bridge', 'ev-b']);
      await ok(['network', 'disconnect', 'bridge', 'ev-b']);
      await ok(['create', '--name', 'ev-c', 'busybox', 'true']);
      await ok(['network', 'connect', 'evnet', 'ev-c']);
      await ok(['network', 'disconnect', 'evnet', 'ev-c']);
      await ok(['network', 'disconnect', 'bridge', 'ev-c']);
      await ok(['network', 'connect', 'bridge', 'ev-c']);
      await ok(['stop', '-t', '1', 'ev-a']);
      await ok(['stop', '-t', '1', 'ev-b']);
      await ok(['start', 'ev-a']);
      await ok(['network', 'connect', 'evnet', 'ev-a']);
      await ok(['rm', '-f', 'ev-a']);
      await ok(['rm', 'ev-b']);
      await ok(['rm', 'ev-c']);
      await ok(['run', '--rm', '--name', 'ev-d', '--network', 'evnet', 'busybox', 'true']);
      await ok(['network', 'rm', 'evnet']);
      const until = String(Math.floor(Date.now() / 1000) + 1);
      const listed = await ok([
        'events',
        '--since',
        since,
        '--until',
        until,
        '--filter',
        'type=container',
        '--filter',
        'type=network',
        '--format',
        '{{.Type}} {{.Action}} {{.Actor.ID}} {{json .Actor.Attributes}}',
      ]);
      const lines = normalise(listed.split('\n').filter((l) => ACTIONS.includes(l.split(' ')[1] ?? '')));
      seen.set(name, lines);
      // What this file is about, on either engine: a connect before each start on the default bridge too.
      const a = lines.findIndex((l) => l.startsWith('container create') && l.includes('"name":"ev-a"'));
      assert.match(
        lines[a + 1] ?? '',
        /^network connect <id\d+> \{"container":"<id\d+>","name":"bridge","type":"bridge"\}$/,
      );
      assert.match(lines[a + 2] ?? '', /^container start .*"name":"ev-a"/);
    });

    test('a start that fails at the runtime: its network connect, then its disconnect', async () => {
      const since = String(Math.floor(Date.now() / 1000) - 1);
      await ok(['network', 'create', 'evfail']);
      const r = await docker(engine.env, [
        'run',
        '-d',
        '--name',
        'ev-fail',
        '--network',
        'evfail',
        'busybox',
        'no-such',
      ]);
      assert.equal(r.code, 127, r.stderr);
      await ok(['rm', 'ev-fail']);
      await ok(['network', 'rm', 'evfail']);
      const until = String(Math.floor(Date.now() / 1000) + 1);
      const listed = await ok([
        'events',
        '--since',
        since,
        '--until',
        until,
        '--filter',
        'type=network',
        '--filter',
        'network=evfail',
        '--format',
        '{{.Action}} {{.Actor.Attributes.name}}',
      ]);
      assert.deepEqual(listed.split('\n'), ['create evfail', 'connect evfail', 'disconnect evfail', 'destroy evfail']);
    });
  });
}

test('berthd lists the same container and network events as dockerd, in the same order', { skip }, () => {
  const reference = seen.get('dockerd');
  const berth = seen.get('berthd');
  if (!reference || !berth) return; // an engine narrowed away (BERTH_CLIENT_ENGINES) or failed above
  assert.deepEqual(berth, reference);
});
