// Checks a create (and update, events, ps) makes through the docker CLI on berthd and Docker's engine side by side:
// --tmpfs and --oom-score-adj refused before anything is made, --log-opt in Docker's words, PidsLimit recorded as
// Docker records it, `ps` showing the image ID once the reference names none, and /events' since/until and filters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { same, skipSides, useSides } from './cli-sides.js';

const sides = useSides();
const skip = skipSides;

test('--tmpfs, --oom-score-adj and --log-opt refusals', { skip }, async () => {
  const refused: [string, RegExp][] = [
    ['--tmpfs relative', /invalid mount path: 'relative' mount path must be absolute/],
    ['--tmpfs /x:bogus', /invalid tmpfs option \["bogus"\]/],
    ['--tmpfs /x:foo=bar', /invalid tmpfs option \["foo" "bar"\]/],
    ['--oom-score-adj 2000', /Invalid value 2000, range for oom score adj is \[-1000, 1000\]/],
    ['--log-opt max-size=abc', /failed to initialize logging driver: invalid size: 'abc'/],
    [
      '--log-opt max-file=0 --log-opt max-size=1k',
      /failed to initialize logging driver: max-file cannot be less than 1/,
    ],
    ['--log-opt bogus=1', /unknown log opt 'bogus' for json-file log driver/],
    ['--log-driver local --log-opt bogus=1', /unknown log opt 'bogus' for log driver local/],
    ['--log-opt compress=true', /compress cannot be true when max-file is less than 2 or max-size is not set/],
    ['--log-opt compress=maybe --log-opt max-file=2 --log-opt max-size=1k', /strconv.ParseBool: parsing "maybe"/],
    ['--log-opt mode=bogus', /logger: logging mode not supported: bogus/],
  ];
  for (const [flags, message] of refused) {
    const r = await same(sides, `docker run --rm ${flags} busybox true`);
    assert.equal(r.code, 125, flags);
    assert.match(r.stderr, message, flags);
  }
  for (const flags of [
    '--tmpfs /x:size=1m,noexec,mode=755,uid=1',
    '--oom-score-adj 500',
    '--log-opt compress=false --log-opt max-file=2 --log-opt max-size=1k',
    '--log-opt mode=non-blocking --log-opt max-buffer-size=4m',
  ])
    assert.equal((await same(sides, `docker run --rm ${flags} busybox echo ok`)).stdout, 'ok\n', flags);
});

test('PidsLimit: none recorded as null at create, 0 or -1 lifts it in an update', { skip }, async () => {
  await same(sides, 'docker run -d --name pl1 busybox sleep 600 > /dev/null');
  await same(sides, 'docker run -d --name pl2 --pids-limit 20 busybox sleep 600 > /dev/null');
  await same(sides, 'docker create --name pl3 --pids-limit -1 busybox > /dev/null');
  assert.equal(
    (await same(sides, "docker inspect -f '{{.HostConfig.PidsLimit}}' pl1 pl2 pl3")).stdout,
    '<nil>\n20\n<nil>\n',
  );
  await same(sides, 'docker update --pids-limit 30 pl1 && docker exec pl1 cat /sys/fs/cgroup/pids/pids.max');
  await same(sides, "docker update --pids-limit -1 pl2 && docker inspect -f '{{.HostConfig.PidsLimit}}' pl2");
  await same(sides, 'docker exec pl2 cat /sys/fs/cgroup/pids/pids.max');
  await same(sides, 'docker rm -f pl1 pl2 pl3 > /dev/null');
});

test('ps shows the image ID once the reference a container was made from names no image', { skip }, async () => {
  await same(sides, 'docker tag busybox bb:x && docker run -d --name pi1 bb:x sleep 600 > /dev/null');
  assert.equal((await same(sides, "docker ps --format '{{.Names}} {{.Image}}'")).stdout, 'pi1 bb:x\n');
  await same(sides, 'docker rmi bb:x');
  assert.equal((await same(sides, "docker ps --format '{{.Names}} {{.Image}}'")).stdout, 'pi1 <short-id>\n');
  await same(sides, 'docker tag busybox bb:x');
  assert.equal((await same(sides, "docker ps --format '{{.Names}} {{.Image}}'")).stdout, 'pi1 bb:x\n');
  await same(sides, 'docker rm -f pi1 > /dev/null && docker rmi bb:x > /dev/null');
});

test('events: since after until is refused, an unknown filter key filters nothing out', { skip }, async () => {
  const r = await same(sides, 'docker events --since 1700000100 --until 1700000000');
  assert.match(r.stderr, /`since` time \(1700000100\) cannot be after `until` time \(1700000000\)/);
  await same(sides, 'docker events --since 1700000000 --until 1700000100 --filter bogus=1');
});
