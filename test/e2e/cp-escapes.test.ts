// The docker cp escape corpus against a real berthd: symlinks to `/`, absolute symlinks naming host paths,
// `..` climbs, hostile tar entries, and a container racing path swaps (test/helpers/cp-escape-suite.ts, which
// rootless.test.ts runs against the rootless daemon too).
import { isRoot } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { berth, docker } from '../helpers/run.js';
import { registerCpEscapes } from '../helpers/cp-escape-suite.js';

const skip = !isRoot() && 'needs root';
// Registered before the daemon's hooks: the suite's own after() (its containers removed) runs first.
registerCpEscapes(skip, () => ({
  socketPath: daemon.socketPath,
  docker: (args) => docker(daemon.env, args),
  berth: (args) => berth(daemon.env, args),
}));
const daemon = useDaemon(skip);
