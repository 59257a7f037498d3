import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveUser } from './user.js';

const passwd =
  'root:x:0:0:root:/root:/bin/sh\n# comment\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534::/nonexistent:/bin/false\n';
const group = 'root:x:0:\nwheel:x:10:app,other\napp:x:1000:\naudio:x:29:app\nstaff:x:50:\n';

test("an empty user is root with root's home", () => {
  assert.deepEqual(resolveUser('', passwd, group), { uid: 0, gid: 0, additionalGids: [0], home: '/root' });
});

test('a name resolves to its uid, primary gid, supplementary groups and home', () => {
  assert.deepEqual(resolveUser('app', passwd, group), {
    uid: 1000,
    gid: 1000,
    additionalGids: [1000, 10, 29],
    home: '/home/app',
  });
});

test('a uid known to passwd takes its entry; an unknown uid gets gid 0 and home /', () => {
  assert.equal(resolveUser('1000', passwd, group).home, '/home/app');
  assert.deepEqual(resolveUser('4242', passwd, group), { uid: 4242, gid: 0, additionalGids: [0], home: '/' });
});

test('an explicit group by name or number replaces the primary gid and the groups listing the user', () => {
  assert.deepEqual(resolveUser('app:staff', passwd, group).additionalGids, [50]);
  assert.deepEqual(resolveUser('1000:1000', passwd, group, ['audio']).additionalGids, [1000, 29]);
  assert.equal(resolveUser('app:staff', passwd, group).gid, 50);
  assert.equal(resolveUser('app:77', passwd, group).gid, 77);
  assert.equal(resolveUser('4242:4243', '', '').gid, 4243);
});

test("unknown names get Docker's wording", () => {
  assert.throws(
    () => resolveUser('ghost', passwd, group),
    /unable to find user ghost: no matching entries in passwd file/,
  );
  assert.throws(
    () => resolveUser('app:ghosts', passwd, group),
    /unable to find group ghosts: no matching entries in group file/,
  );
  assert.throws(() => resolveUser('app', '', ''), /unable to find user app/);
});
