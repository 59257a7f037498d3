// The docker cp escape corpus against a real berthd: symlinks to `/`, absolute symlinks naming host paths,
// `..` climbs, hostile tar entries, and a container racing path swaps (test/helpers/cp-escape-suite.ts, which
// rootless.test.ts runs against the rootless daemon too).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, isRoot, type TestDaemon } from '../helpers/daemon.js';
import { berth, docker } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';
import { registerCpEscapes } from '../helpers/cp-escape-suite.js';

const skip = !isRoot() && 'needs root';
let daemon: TestDaemon;

before(async () => {
  if (skip) return;
  daemon = await startDaemon();
  assert.equal((await docker(daemon.env, ['load', '-i', (await testImages()).busybox])).code, 0);
});
// Registered before the daemon's after hook: the suite's own (its containers removed) runs first.
registerCpEscapes(skip, () => ({
  socketPath: daemon.socketPath,
  docker: (args) => docker(daemon.env, args),
  berth: (args) => berth(daemon.env, args),
}));

after(async () => {
  await daemon?.cleanup();
});
