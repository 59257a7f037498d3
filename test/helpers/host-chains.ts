// Test daemons' iptables and ip6tables chains, named after their exec roots as berthd names them. berthd keeps its
// rules when it stops with containers running (live restore); a test daemon is never restarted on the same roots,
// so rules it left would stay on the host for the rest of the run, and of later runs. A DNAT rule left for a
// published host port takes that port from whoever binds it next: in CI a test registry on 127.0.0.1 got one and
// every connection to it timed out.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export const chainPrefixOf = (execRoot: string): string =>
  `BERTH-${createHash('sha256').update(execRoot).digest('hex').slice(0, 8)}`;

const CHAIN = /^:(BERTH-[0-9a-f]{8})-(?:DNAT|POST|FWD) /;

function saved(tool: 'iptables' | 'ip6tables'): string {
  try {
    return execFileSync(`${tool}-save`, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

/** Removes the jumps into a daemon's chains, then the chains, in both tables of both families. */
function removeChains(prefix: string): void {
  execFileSync('sh', [
    '-c',
    `for T in iptables ip6tables; do for t in nat filter; do $T-save -t $t | grep -E '^-A [A-Z]+ .*${prefix}-' | sed 's/^-A/-D/' | while read -r r; do eval $T -w -t $t $r; done; for c in DNAT POST FWD; do $T -w -t $t -F ${prefix}-$c 2>/dev/null; $T -w -t $t -X ${prefix}-$c 2>/dev/null; done; done; done; true`,
  ]);
}

/** After a test daemon stopped: its chains, if it left any. */
export function removeDaemonChains(execRoot: string): void {
  const prefix = chainPrefixOf(execRoot);
  if (saved('iptables').includes(prefix) || saved('ip6tables').includes(prefix)) removeChains(prefix);
}

/** The exec roots of the berthd processes running now (`--exec-root`, else berthd's default). */
function runningExecRoots(): string[] {
  const roots: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!argv.some((a) => /(^|\/)berthd(\.[cm]?js)?$/.test(a))) continue;
    const at = argv.findIndex((a) => a === '--exec-root' || a.startsWith('--exec-root='));
    roots.push(at < 0 ? '/run/berth' : argv[at]?.includes('=') ? argv[at].slice(12) : (argv[at + 1] ?? ''));
  }
  return roots;
}

/** Before a run: chains of berth daemons that are not running (earlier runs' test daemons). A stopped daemon loses
 * nothing by it: berthd installs its whole ruleset when it starts. Returns the prefixes removed. */
export function removeStaleChains(): string[] {
  const keep = new Set(runningExecRoots().map(chainPrefixOf));
  const stale = new Set<string>();
  for (const line of `${saved('iptables')}\n${saved('ip6tables')}`.split('\n')) {
    const prefix = CHAIN.exec(line)?.[1];
    if (prefix && !keep.has(prefix)) stale.add(prefix);
  }
  for (const prefix of stale) removeChains(prefix);
  return [...stale];
}

// `node --import tsx test/helpers/host-chains.ts` (scripts/test.sh, before the e2e files).
if (import.meta.url === `file://${process.argv[1]}`) {
  const removed = removeStaleChains();
  if (removed.length > 0) console.log(`# removed the iptables chains of stopped berth daemons: ${removed.join(' ')}`);
}
