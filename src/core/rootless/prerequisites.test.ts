// The rootless prerequisites judged from fixture facts: each missing piece named with its fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingPrerequisites, prerequisitesReport, type RootlessFacts } from './prerequisites.js';
import { subIdRanges } from './subid.js';
import { privilegedPortsNote, rootlessChoices, rootlessLimitsUnavailable, rootlessNetwork } from './choices.js';

const complete: RootlessFacts = {
  user: { name: 'alice', id: 1000, gid: 1000 },
  subuid: 'bob:100000:65536\nalice:165536:65536\n',
  subgid: '# comment\n1000:165536:65536\n',
  newuidmap: { path: '/usr/bin/newuidmap', privileged: true },
  newgidmap: { path: '/usr/bin/newgidmap', privileged: true },
  rootlesskit: '/usr/bin/rootlesskit',
  nsenter: '/usr/bin/nsenter',
  flock: '/usr/bin/flock',
  slirp4netns: '/usr/bin/slirp4netns',
  pasta: undefined,
  rootlesskitPasta: false,
  unprivilegedUsernsClone: 1,
  maxUserNamespaces: 15000,
  overlayInUserns: true,
  tunAccessible: true,
  runtimeDir: { path: '/run/user/1000', usable: true },
  cgroupVersion: '1',
  unprivilegedPortStart: 1024,
};

const whats = (f: RootlessFacts): string[] => missingPrerequisites(f).map((m) => m.what);

test('a complete host misses nothing', () => {
  assert.deepEqual(missingPrerequisites(complete), []);
  assert.match(prerequisitesReport([]), /every prerequisite/);
});

test('subid ranges match by name or uid, ignore comments, other users and malformed lines', () => {
  assert.deepEqual(subIdRanges(complete.subuid ?? '', { name: 'alice', id: 1000 }), [{ start: 165536, count: 65536 }]);
  assert.deepEqual(subIdRanges(complete.subgid ?? '', { name: 'alice', id: 1000 }), [{ start: 165536, count: 65536 }]);
  assert.deepEqual(subIdRanges('alice:x:1\nalice:5:0\n', { name: 'alice', id: 1000 }), []);
});

test('missing or short subid ranges name the file and the usermod command', () => {
  const missing = missingPrerequisites({ ...complete, subuid: undefined, subgid: 'alice:200000:1000\n' });
  assert.equal(missing.length, 2);
  assert.match(missing[0]?.what ?? '', /\/etc\/subuid gives alice no range/);
  assert.match(missing[0]?.fix ?? '', /usermod --add-subuids 100000-165535 alice/);
  assert.match(missing[1]?.what ?? '', /\/etc\/subgid gives alice only 1000 ids/);
  assert.match(missing[1]?.fix ?? '', /usermod --add-subgids/);
  // Two ranges adding up to enough are enough.
  assert.deepEqual(whats({ ...complete, subuid: 'alice:100000:30000\nalice:200000:40000\n' }), []);
});

test('uidmap helpers: absent, or present without privilege', () => {
  const absent = missingPrerequisites({ ...complete, newuidmap: undefined, newgidmap: undefined });
  assert.deepEqual(
    absent.map((m) => m.fix),
    ["install the 'uidmap' package (apt-get install uidmap)", "install the 'uidmap' package (apt-get install uidmap)"],
  );
  const unprivileged = missingPrerequisites({
    ...complete,
    newgidmap: { path: '/usr/bin/newgidmap', privileged: false },
  });
  assert.match(unprivileged[0]?.what ?? '', /newgidmap is neither setuid root nor has cap_setgid/);
});

test('user namespaces switched off by either sysctl', () => {
  assert.match(
    missingPrerequisites({ ...complete, unprivilegedUsernsClone: 0 })[0]?.fix ?? '',
    /kernel\.unprivileged_userns_clone=1/,
  );
  assert.match(missingPrerequisites({ ...complete, maxUserNamespaces: 0 })[0]?.fix ?? '', /user\.max_user_namespaces/);
  // A kernel without Debian's switch is fine.
  assert.deepEqual(whats({ ...complete, unprivilegedUsernsClone: undefined }), []);
});

test('rootlesskit, nsenter, flock, the network helper and its tap device', () => {
  assert.match(
    missingPrerequisites({ ...complete, rootlesskit: undefined })[0]?.fix ?? '',
    /apt-get install rootlesskit/,
  );
  assert.match(missingPrerequisites({ ...complete, nsenter: undefined })[0]?.fix ?? '', /apt-get install util-linux/);
  assert.match(missingPrerequisites({ ...complete, flock: undefined })[0]?.what ?? '', /^flock not found/);
  const noHelper = missingPrerequisites({ ...complete, slirp4netns: undefined });
  assert.match(noHelper[0]?.fix ?? '', /apt-get install slirp4netns.*passt/);
  assert.deepEqual(whats({ ...complete, slirp4netns: undefined, pasta: '/usr/bin/pasta', rootlesskitPasta: true }), []);
  // rootlesskit 1.x has no --net=pasta: pasta alone is no helper there.
  assert.match(
    whats({ ...complete, slirp4netns: undefined, pasta: '/usr/bin/pasta' })[0] ?? '',
    /this rootlesskit cannot use it/,
  );
  assert.match(missingPrerequisites({ ...complete, tunAccessible: false })[0]?.fix ?? '', /chmod 0666 \/dev\/net\/tun/);
});

test('overlayfs refused in a user namespace is a warning: the native driver takes over', () => {
  const [m] = missingPrerequisites({ ...complete, overlayInUserns: false });
  assert.equal(m?.required, false);
  assert.match(prerequisitesReport([m!]), /^warning: overlayfs cannot be mounted/);
});

test('XDG_RUNTIME_DIR unset or not the user own', () => {
  assert.match(
    missingPrerequisites({ ...complete, runtimeDir: undefined })[0]?.what ?? '',
    /XDG_RUNTIME_DIR is not set/,
  );
  const [m] = missingPrerequisites({ ...complete, runtimeDir: { path: '/run/user/1000', usable: false } });
  assert.match(m?.fix ?? '', /chown alice \/run\/user\/1000/);
});

test('every missing piece at once is listed, each with its fix, in the report', () => {
  const bare: RootlessFacts = {
    ...complete,
    subuid: undefined,
    subgid: undefined,
    newuidmap: undefined,
    newgidmap: undefined,
    rootlesskit: undefined,
    nsenter: undefined,
    flock: undefined,
    slirp4netns: undefined,
    unprivilegedUsernsClone: 0,
    runtimeDir: undefined,
  };
  const missing = missingPrerequisites(bare);
  assert.equal(missing.length, 10);
  const report = prerequisitesReport(missing);
  assert.equal(report.match(/^missing: /gm)?.length, 10);
  assert.equal(report.match(/^ {2}fix: /gm)?.length, 10);
});

test('what berthd will use: slirp4netns first, pasta only with a rootlesskit that knows it', () => {
  assert.equal(rootlessNetwork(complete), 'slirp4netns');
  assert.equal(rootlessNetwork({ ...complete, pasta: '/usr/bin/pasta', rootlesskitPasta: true }), 'slirp4netns');
  assert.equal(
    rootlessNetwork({ ...complete, slirp4netns: undefined, pasta: '/usr/bin/pasta', rootlesskitPasta: true }),
    'pasta',
  );
  const [network, portDriver, ports, cgroups, storage] = rootlessChoices({ ...complete, pasta: '/usr/bin/pasta' });
  assert.match(network ?? '', /^network: slirp4netns \(pasta is there too, but this rootlesskit has no --net=pasta/);
  assert.match(portDriver ?? '', /builtin .* coming from 127\.0\.0\.1, not from the client/);
  assert.match(ports ?? '', /below 1024 are refused \(net\.ipv4\.ip_unprivileged_port_start=1024\)/);
  assert.match(cgroups ?? '', /^cgroups: v1: resource limits .* refused: .*cgroup v1, which cannot be delegated/);
  assert.match(storage ?? '', /overlayfs in the user namespace/);
  assert.match(rootlessChoices({ ...complete, overlayInUserns: false })[4] ?? '', /^storage: native/);
});

test('privileged ports and cgroup v2 are named with the reason', () => {
  assert.match(privilegedPortsNote(0), /any/);
  assert.match(privilegedPortsNote(80), /below 80 are refused .*start=80\)/);
  assert.match(privilegedPortsNote(undefined), /below 1024/);
  assert.match(rootlessLimitsUnavailable('2'), /does not yet place containers in a cgroup v2 subtree delegated/);
});
