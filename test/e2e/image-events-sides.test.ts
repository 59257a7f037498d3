// Image events on berthd and Docker's engine 20.10 side by side: each scenario runs the same docker CLI script on
// both, then `docker events --since T0 --until T1 --filter type=image` on each; Type, Action, Actor.ID and
// Actor.Attributes (ids masked), order and count must be the same.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mask, sh, skipSides, useSides, type SideName, type Sides } from './cli-sides.js';
import { startInProcessRegistry, type TestRegistry } from '../helpers/registry.js';

const sides: Sides = useSides();
let registry: TestRegistry | undefined;
let dir = '';

before(async () => {
  if (skipSides) return;
  dir = mkdtempSync(join(tmpdir(), 'berth-imgevents-'));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nLABEL ev.label=built\nRUN true\n');
  writeFileSync(join(dir, 'file'), 'imported\n');
  registry = await startInProcessRegistry();
});
after(async () => {
  await registry?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Seen {
  Type: string;
  Action: string;
  ID: string;
  Attributes: Record<string, string>;
}

/** Runs `script` on one side and returns the image events it caused, as the events API replays them. */
async function imageEvents(side: SideName, script: string): Promise<Seen[]> {
  const env = sides.env(side);
  const run = async (s: string): Promise<string> => {
    const r = await sh(env, s);
    assert.equal(r.code, 0, `${side}: ${s}\n${r.stderr}`);
    return r.stdout;
  };
  const since = (await run('date +%s.%N')).trim();
  await run(script);
  const until = (await run('date +%s.%N')).trim();
  const out = await run(`docker events --since ${since} --until ${until} --filter type=image --format '{{json .}}'`);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const e = JSON.parse(mask(line)) as {
        Type: string;
        Action: string;
        Actor: { ID: string; Attributes: Record<string, string> };
      };
      return { Type: e.Type, Action: e.Action, ID: e.Actor.ID, Attributes: e.Actor.Attributes };
    });
}

/** The scenario on both sides; asserts the same events and returns them (berthd's). */
async function sameEvents(script: string, setUp = ''): Promise<Seen[]> {
  if (setUp) {
    for (const side of ['berthd', 'dockerd'] as const) {
      const r = await sh(sides.env(side), setUp);
      assert.equal(r.code, 0, `${side} set-up: ${r.stderr}`);
    }
  }
  const [b, d] = await Promise.all([imageEvents('berthd', script), imageEvents('dockerd', script)]);
  assert.deepEqual(b, d, `${script}\nberthd: ${JSON.stringify(b, null, 1)}\ndockerd: ${JSON.stringify(d, null, 1)}`);
  return b;
}

const ID = 'sha256:<digest>';

describe('image events, berthd and dockerd 20.10 side by side', { skip: skipSides }, () => {
  it('load: one event per image, named by its ID', async () => {
    const events = await sameEvents(
      `docker load -i ${dir}/load.tar`,
      `docker tag busybox ev/load:1 && docker save -o ${dir}/load.tar ev/load:1 && docker rmi ev/load:1`,
    );
    assert.deepEqual(events, [{ Type: 'image', Action: 'load', ID, Attributes: { name: ID } }]);
  });

  it('import, save', async () => {
    const imported = await sameEvents(`tar -C ${dir} -cf - file | docker import - ev/imp:1`);
    assert.deepEqual(
      imported.map((e) => [e.Action, e.Attributes.name]),
      [
        ['tag', 'ev/imp:1'],
        ['import', ID],
      ],
    );
    const saved = await sameEvents(`docker save -o ${dir}/save.tar ev/imp:1 busybox`);
    assert.deepEqual(
      saved.map((e) => [e.Action, e.Attributes.name]),
      [
        ['save', ID],
        ['save', ID],
      ],
    );
  });

  it('tag, retag, untag of one of two tags, rmi, rmi -f', async () => {
    const untagged = await sameEvents(
      'docker tag ev/imp:1 ev/tag:1 && docker tag ev/imp:1 ev/tag:2 && docker rmi ev/tag:1 && docker rmi ev/tag:2',
    );
    assert.deepEqual(
      untagged.map((e) => [e.Action, e.Attributes.name]),
      [
        ['tag', 'ev/tag:1'],
        ['tag', 'ev/tag:2'],
        ['untag', ID],
        ['untag', ID],
      ],
    );
    await sameEvents('docker tag busybox ev/moved:1 && docker tag ev/imp:1 ev/moved:1 && docker rmi ev/moved:1');
    const removed = await sameEvents(
      'docker rmi ev/del:1',
      `tar -C ${dir} -cf - Dockerfile | docker import - ev/del:1`,
    );
    assert.deepEqual(
      removed.map((e) => [e.Action, e.Attributes.name]),
      [
        ['untag', ID],
        ['delete', ID],
      ],
    );
    await sameEvents('docker tag ev/imp:1 ev/f:1 && docker rmi -f $(docker images -q ev/imp:1)');
  });

  it('pull from a loopback registry', async () => {
    const ref = `${registry!.addr}/ev/pulled:1`;
    const push = await sh(sides.env('berthd'), `docker tag busybox ${ref} && docker push ${ref} && docker rmi ${ref}`);
    assert.equal(push.code, 0, push.stderr);
    await sameEvents(`docker pull -q ${ref}`);
  });

  it('build (classic), commit', async () => {
    await sameEvents(`DOCKER_BUILDKIT=0 docker build -q -t ev/built:1 ${dir}`);
    await sameEvents('docker commit --change "LABEL ev.c=1" $(docker create busybox true) ev/committed:1');
  });
});
