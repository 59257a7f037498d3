// Docker's init layer, side by side on berthd and dockerd 20.10 through the docker CLI: what a container finds in
// its root beyond its image (/.dockerenv, /etc/mtab -> /proc/mounts, the mount points of /etc's files and /dev's),
// what `docker export` lists, that `docker diff` and a commit's layer leave it out unless the container changed it,
// and that the classic builder's RUN steps get it while BuildKit's do not.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildxConfig, type BuildxConfig } from '../helpers/buildx.js';
import { same, skipSides, useSides } from './cli-sides.js';

const sides = useSides();
const skip = skipSides;
let buildx: BuildxConfig | undefined;
after(() => buildx?.cleanup());

/** The names of every entry of the image's layers that match `pattern`, one per line, sorted. */
const layerEntries = (image: string, pattern: string): string =>
  `d=$(mktemp -d) && docker save ${image} | tar -x -C $d && ` +
  `for f in $(find $d -type f); do tar -tf $f 2>/dev/null; done | sed 's#^\\./##' | grep -E '${pattern}' | sort; rm -rf $d`;

test('a container finds /.dockerenv, /etc/mtab and the mount points as dockerd gives them', { skip }, async () => {
  const r = await same(
    sides,
    `docker run --rm busybox sh -c 'stat -c "%n %a %u:%g %s %F" /.dockerenv /etc/mtab /etc /dev /proc /sys; readlink /etc/mtab; test -f /.dockerenv && echo in-a-container'`,
  );
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^\/\.dockerenv 755 0:0 0 regular empty file\n\/etc\/mtab 777 0:0 12 symbolic link\n/);
  assert.match(r.stdout, /\/proc\/mounts\nin-a-container\n$/);
  // A client's own check (docker-py), as tools make it.
  const py = await same(
    sides,
    `python3 -c "import docker; print(docker.from_env().containers.run('busybox', 'sh -c \\"test -f /.dockerenv && echo yes\\"', remove=True).decode().strip())"`,
  );
  assert.equal(py.stdout, 'yes\n');
});

test('docker export lists the init layer, created or started', { skip }, async () => {
  const listing = "docker export il-ex | tar -tv | awk '{print $1, $3, $6, $7, $8}' | sed 's/ *$//' | sort -k3";
  await same(sides, 'docker create --name il-ex busybox true > /dev/null');
  const created = await same(sides, listing);
  for (const entry of [
    '-rwxr-xr-x 0 .dockerenv',
    '-rwxr-xr-x 0 dev/console',
    'drwxr-xr-x 0 dev/pts/',
    'drwxr-xr-x 0 dev/shm/',
    'lrwxrwxrwx 0 etc/mtab -> /proc/mounts',
    '-rwxr-xr-x 0 etc/hosts',
  ])
    assert.ok(created.stdout.includes(`${entry}\n`), `${entry} in\n${created.stdout}`);
  await same(sides, 'docker start -a il-ex');
  assert.equal((await same(sides, listing)).stdout, created.stdout);
  await same(sides, 'docker rm il-ex > /dev/null');
});

test('diff and commit leave the init layer out unless the container changed it', { skip }, async () => {
  await same(sides, 'docker run -d --name il-diff busybox sleep 600 > /dev/null');
  assert.equal((await same(sides, 'docker diff il-diff')).stdout, '');
  await same(sides, 'docker commit il-diff il-untouched > /dev/null');
  assert.equal(
    (await same(sides, layerEntries('il-untouched', '^(\\.dockerenv|etc/mtab|etc/hostname|dev/console)$'))).stdout,
    '',
  );
  // Written through the bind mount: not the container's layer. The init layer's own files: changes of it.
  await same(
    sides,
    "docker exec il-diff sh -c 'echo x >> /etc/hosts; echo hi > /.dockerenv; rm /etc/mtab; touch /new'",
  );
  assert.equal(
    (await same(sides, 'docker diff il-diff | sort')).stdout,
    'A /new\nC /.dockerenv\nC /etc\nD /etc/mtab\n',
  );
  await same(sides, 'docker commit il-diff il-changed > /dev/null');
  assert.equal(
    (await same(sides, layerEntries('il-changed', 'dockerenv|mtab|hosts'))).stdout,
    '.dockerenv\netc/.wh.mtab\n',
  );
  await same(sides, 'docker rm -f il-diff > /dev/null && docker rmi il-untouched il-changed > /dev/null');
});

test(
  'diff and commit show the mount points made in the container layer and what cp wrote under /proc',
  { skip },
  async () => {
    await same(
      sides,
      'docker run -d --name il-mounts -v /data -v $(mktemp -d):/mnt/b --tmpfs /t busybox sleep 600 > /dev/null',
    );
    assert.equal((await same(sides, 'docker diff il-mounts | sort')).stdout, 'A /data\nA /mnt\nA /mnt/b\nA /t\n');
    await same(sides, 'f=$(mktemp -d)/x && echo x > $f && docker cp $f il-mounts:/proc/x && rm $f');
    assert.equal(
      (await same(sides, 'docker diff il-mounts | sort')).stdout,
      'A /data\nA /mnt\nA /mnt/b\nA /proc/x\nA /t\nC /proc\n',
    );
    await same(sides, 'docker commit il-mounts il-mounts-img > /dev/null');
    assert.equal(
      (await same(sides, layerEntries('il-mounts-img', '^(data|mnt/b|t|proc/x)/?$'))).stdout,
      'data/\nmnt/b/\nproc/x\nt/\n',
    );
    await same(sides, 'docker rm -f -v il-mounts > /dev/null && docker rmi il-mounts-img > /dev/null');
  },
);

test(
  "the classic builder's RUN steps get the init layer, BuildKit's do not; neither image keeps it",
  { skip },
  async () => {
    const dockerfile = String.raw`FROM busybox\nRUN (ls /.dockerenv /etc/mtab; readlink /etc/mtab) > /out 2>&1; true\n`;
    const classic = await same(
      sides,
      `printf '${dockerfile}' | DOCKER_BUILDKIT=0 docker build -q -t il-classic - > /dev/null 2>&1; docker run --rm il-classic cat /out`,
    );
    assert.equal(classic.stdout, '/.dockerenv\n/etc/mtab\n/proc/mounts\n');
    assert.equal((await same(sides, layerEntries('il-classic', 'dockerenv|mtab'))).stdout, '');

    buildx ??= buildxConfig();
    const bk = (side: 'berthd' | 'dockerd'): NodeJS.ProcessEnv => buildx?.env(sides.env(side)) ?? {};
    const kit = await same(
      { env: bk },
      `printf '${dockerfile}' | docker build --network none -q -t il-kit - > /dev/null 2>&1; docker run --rm il-kit cat /out`,
    );
    assert.match(kit.stdout, /\/\.dockerenv: No such file or directory/);
    assert.match(kit.stdout, /\/etc\/mtab: No such file or directory/);
    await same(sides, 'docker rmi il-classic il-kit > /dev/null');
  },
);
