// docker cp's edge cases side by side on berthd and dockerd 20.10 through the docker CLI: a path asserting a
// directory (`x/`) that names a file, the bind-mounted /etc files of a running container, and the /etc files of a
// container never started (dockerd writes them at the first start: before it, cp reads and writes the layer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { same, sh, skipSides, useSides, type SideName } from './cli-sides.js';

const sides = useSides();
const skip = skipSides;
const SIDES: SideName[] = ['berthd', 'dockerd'];
/** A host file holding `data`, copied to the container path. The CLI's own log lines about the tar it had begun
 * (written when it then gives up: "Can't add file ... closed pipe") come or not by timing, on both sides: left out. */
const cpTo = (target: string): string =>
  `d=$(mktemp -d) && echo data > $d/f && (docker cp $d/f ${target} 2> $d/err; r=$?; grep -v 'level=error' $d/err >&2; rm -r $d; exit $r)`;

test('a trailing slash on an existing file names no directory: refused, the file kept', { skip }, async () => {
  await same(sides, 'docker run -d --name cps-slash busybox sleep 600 > /dev/null');
  const put = await same(sides, cpTo('cps-slash:/etc/passwd/'));
  assert.deepEqual([put.code, put.stderr], [1, 'no such directory\n']);
  assert.match((await same(sides, 'docker exec cps-slash head -1 /etc/passwd')).stdout, /^root:/);
  // The same for a bind-mounted /etc file.
  assert.equal((await same(sides, cpTo('cps-slash:/etc/hostname/'))).stderr, 'no such directory\n');
  // Copying out of it: refused on both (dockerd's message names its host path, berthd's the container's).
  for (const side of SIDES) {
    const get = await sh(sides.env(side), 'docker cp cps-slash:/etc/passwd/ - > /dev/null');
    assert.equal(get.code, 1, side);
    assert.match(get.stderr, /^Error response from daemon: lstat \S*\/etc\/passwd\/: not a directory\n$/, side);
  }
  // A directory with a trailing slash is still one.
  assert.equal((await same(sides, `${cpTo('cps-slash:/tmp/')} && docker exec cps-slash cat /tmp/f`)).stdout, 'data\n');
});

test("writing over a running container's bind-mounted /etc/hostname is refused, naming it", { skip }, async () => {
  await same(sides, 'docker run -d --name cps-etc busybox sleep 600 > /dev/null');
  for (const side of SIDES) {
    const put = await sh(sides.env(side), cpTo('cps-etc:/etc/hostname'));
    assert.equal(put.code, 1, side);
    // dockerd: "Error processing tar file(exit status 1): unlinkat /etc/hostname: device or resource busy".
    assert.match(put.stderr, /^Error response from daemon: .*"?\/etc\/hostname\b/, `${side}: ${put.stderr}`);
  }
  await same(sides, 'docker exec cps-etc cat /etc/hostname | grep -vx data');
});

test(
  "a container never started: cp reads and writes its /etc files in its layer; the start's mounts cover them",
  { skip },
  async () => {
    await same(sides, 'docker create --name cps-new busybox sleep 600 > /dev/null');
    // The init layer's empty file, as dockerd shows it before the first start.
    assert.equal(
      (await same(sides, "docker cp cps-new:/etc/resolv.conf - | tar -tv | awk '{print $1, $3, $6}'")).stdout,
      '-rwxr-xr-x 0 resolv.conf\n',
    );
    assert.equal((await same(sides, cpTo('cps-new:/etc/hosts'))).code, 0);
    assert.equal((await same(sides, 'docker cp cps-new:/etc/hosts - | tar -xO')).stdout, 'data\n');
    await same(sides, 'docker start cps-new > /dev/null');
    assert.match((await same(sides, 'docker exec cps-new head -1 /etc/hosts')).stdout, /^127\.0\.0\.1\tlocalhost\n$/);
    // What cp wrote is the container's change (runc's empty stubs of older containers are not).
    assert.equal((await same(sides, 'docker diff cps-new | sort')).stdout, 'C /etc\nC /etc/hosts\n');
  },
);
