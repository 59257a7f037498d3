// Docker's image Parent, side by side on dockerd and berthd: a commit's parent is the container's image; history
// names the local ancestors; a parent is not removed by ID while a child is there, removing its last tag keeps it
// as an intermediate image (listed with `all` only, never dangling, not pruned), and it goes with its last child.
// docker-py's CommitTest::test_commit checks the Parent.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiRequest } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { ENGINES, skipClients, useEngines, type Engine } from '../helpers/engines.js';

const skip = skipClients();
const engineOf = useEngines(skip);

async function call(e: Engine, method: string, path: string): Promise<{ status: number; json: unknown }> {
  const r = await apiRequest(e.socketPath, path, { method });
  return { status: r.status, json: r.body ? (JSON.parse(r.body) as unknown) : undefined };
}

async function commitOf(e: Engine, image: string, repo: string): Promise<string> {
  const run = await docker(e.env, ['run', '--name', `${repo}-c`, '--network', 'none', image, 'touch', `/${repo}`]);
  assert.equal(run.code, 0, run.stderr);
  const committed = await call(e, 'POST', `/v1.41/commit?container=${repo}-c&repo=${repo}&tag=1`);
  assert.equal(committed.status, 201, JSON.stringify(committed.json));
  assert.equal((await docker(e.env, ['rm', `${repo}-c`])).code, 0);
  return (committed.json as { Id: string }).Id;
}

type Summary = { Id: string; ParentId: string };
const listIds = async (e: Engine, query: string): Promise<string[]> =>
  ((await call(e, 'GET', `/v1.41/images/json${query}`)).json as Summary[]).map((i) => i.Id);

for (const name of ENGINES) {
  describe(`image parents on ${name}`, { skip, concurrency: false }, () => {
    test('commit records its parent; a parent stays while a child needs it and goes with its last child', async () => {
      const e = engineOf(name);
      const busybox = ((await call(e, 'GET', '/images/busybox/json')).json as { Id: string }).Id;
      const c1 = await commitOf(e, 'busybox', 'parent-one');
      const c2 = await commitOf(e, 'parent-one:1', 'parent-two');
      try {
        const parentOf = async (id: string): Promise<unknown> =>
          ((await call(e, 'GET', `/v1.41/images/${id}/json`)).json as { Parent: unknown }).Parent;
        assert.equal(await parentOf(c1), busybox);
        assert.equal(await parentOf(c2), c1);
        assert.equal(await parentOf(busybox), '', 'a loaded image has none');
        const summaries = (await call(e, 'GET', '/v1.41/images/json')).json as Summary[];
        assert.equal(summaries.find((s) => s.Id === c2)?.ParentId, c1);
        assert.equal(summaries.find((s) => s.Id === busybox)?.ParentId, '');

        type Row = { Id: string; Tags: string[] | null; CreatedBy: string };
        const history = async (): Promise<Row[]> => (await call(e, 'GET', `/images/${c2}/history`)).json as Row[];
        const rows = await history();
        assert.deepEqual(
          rows.map((r) => [r.Id, r.Tags]),
          [
            [c2, ['parent-two:1']],
            [c1, ['parent-one:1']],
            [busybox, ['busybox:latest']],
            ['<missing>', null],
          ],
        );
        assert.deepEqual(
          rows.slice(0, 2).map((r) => r.CreatedBy),
          ['touch /parent-two', 'touch /parent-one'],
        );

        const short = c1.slice(7, 19);
        for (const query of ['', '?force=1']) {
          const byId = await call(e, 'DELETE', `/images/${c1}${query}`);
          assert.equal(byId.status, 409, `by ID${query}`);
          assert.deepEqual(byId.json, {
            message: `conflict: unable to delete ${short} (cannot be forced) - image has dependent child images`,
          });
        }
        const untag = await call(e, 'DELETE', '/images/parent-one:1');
        assert.equal(untag.status, 200);
        assert.deepEqual(untag.json, [{ Untagged: 'parent-one:1' }], 'untagged only: a child needs it');
        assert.ok(!(await listIds(e, '')).includes(c1), 'an intermediate image is not listed');
        assert.ok((await listIds(e, '?all=1')).includes(c1), '... but with all');
        const dangling = encodeURIComponent('{"dangling":["true"]}');
        assert.ok(!(await listIds(e, `?all=1&filters=${dangling}`)).includes(c1), 'not dangling');
        const pruned = await call(e, 'POST', '/images/prune');
        assert.equal(pruned.status, 200);
        assert.equal((pruned.json as { ImagesDeleted: unknown }).ImagesDeleted, null, 'prune keeps it');
        assert.equal(await parentOf(c2), c1);
        assert.deepEqual((await history())[1], { ...rows[1], Tags: null });

        const removed = await call(e, 'DELETE', '/images/parent-two:1');
        assert.equal(removed.status, 200);
        const items = removed.json as Record<string, string>[];
        assert.deepEqual(items[0], { Untagged: 'parent-two:1' });
        const deleted = items.map((i) => i.Deleted).filter((id) => id === c1 || id === c2);
        assert.deepEqual(deleted, [c2, c1], 'the child, then its untagged parent');
        assert.equal((await call(e, 'GET', `/images/${c1}/json`)).status, 404);
        assert.equal((await call(e, 'GET', '/images/busybox/json')).status, 200, 'a tagged parent stays');
      } finally {
        await call(e, 'DELETE', '/images/parent-two:1?force=1');
        await call(e, 'DELETE', '/images/parent-one:1?force=1');
      }
    });
  });
}
