// Every test network lives in 10.X.0.0/16 with X its own: a test daemon's bridge and address pool, dockerd's, a
// CNI network's subnet. Test files run side by side, each in its own process, and a network's routes appear only
// once its daemon or its first pod makes the bridge, so a check of the routes alone let two networks take the same
// X (two bridges with the same subnet: one of them unreachable). An X is therefore also claimed on the machine, by
// a file `X.<pid>` under /run/berth-test-octets. A claim holds if, once its file is written, no other living
// process's claim on X is there: of two claims made at once, the later one's check sees the earlier file, so at
// most one holds (both may give up, and try another X). Claims of processes that are gone count for nothing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';

const CLAIMS = '/run/berth-test-octets';

export interface ReservedOctet {
  octet: number;
  release(): void;
}

/** An X in 100..249 that no route of the host uses and no other living test process holds. */
export function reserveOctet(): ReservedOctet {
  mkdirSync(CLAIMS, { recursive: true });
  const routes = execFileSync('ip', ['-o', '-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
  const routed = (octet: number): boolean => new RegExp(`(^|\\s)10\\.${octet}\\.`, 'm').test(routes);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const octet = randomInt(100, 250);
    if (routed(octet) || claimedByOthers(octet)) continue;
    const mine = join(CLAIMS, `${octet}.${process.pid}.${attempt}`);
    writeFileSync(mine, '');
    if (!claimedByOthers(octet, mine)) return { octet, release: () => rmSync(mine, { force: true }) };
    rmSync(mine, { force: true });
  }
  throw new Error(`no free test network octet (the host's routes and ${CLAIMS} hold them all)`);
}

/** Whether a living process (this one included, for another network) has a claim on X other than `mine`. */
function claimedByOthers(octet: number, mine?: string): boolean {
  return readdirSync(CLAIMS).some((name) => {
    const [x, pid] = name.split('.');
    if (Number(x) !== octet || join(CLAIMS, name) === mine) return false;
    if (alive(Number(pid))) return true;
    rmSync(join(CLAIMS, name), { force: true });
    return false;
  });
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
