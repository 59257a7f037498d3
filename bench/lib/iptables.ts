// Undoing what a workload's own daemons (bridges on) added to the host's iptables.
import { exec } from './exec.js';

/** iptables-save lines, to undo exactly what this workload's daemons added. */
export async function iptablesSnapshot(): Promise<{ rules: Set<string>; forwardPolicy: string }> {
  const out = (await exec('iptables-save', [])).stdout;
  const policy = /^:FORWARD (\w+)/m.exec(out)?.[1] ?? 'ACCEPT';
  return { rules: new Set(out.split('\n')), forwardPolicy: policy };
}

/**
 * Removes the rules and chains added since `before` that belong to this workload's daemons: dockerd's DOCKER*
 * chains and anything naming the bench's bridges, subnet or berthd's chain prefix. Other daemons on the host (a
 * test suite's berthds, with chains of their own) may add rules meanwhile; those are left alone.
 */
export async function restoreIptables(
  before: { rules: Set<string>; forwardPolicy: string },
  ours: (line: string) => boolean,
): Promise<void> {
  for (const table of ['nat', 'filter']) {
    const now = (await exec('iptables-save', ['-t', table])).stdout.split('\n');
    const added = now.filter((l) => l.startsWith('-A ') && !before.rules.has(l) && ours(l));
    for (const rule of added.reverse())
      await exec('sh', ['-c', `iptables -w -t ${table} ${rule.replace(/^-A/, '-D')}`]);
    for (const chain of now
      .filter((l) => l.startsWith(':') && !before.rules.has(l) && ours(l))
      .map((l) => l.slice(1).split(' ')[0] ?? '')) {
      if (['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING', 'FORWARD'].includes(chain)) continue;
      await exec('iptables', ['-w', '-t', table, '-F', chain]);
      await exec('iptables', ['-w', '-t', table, '-X', chain]);
    }
  }
  await exec('iptables', ['-w', '-P', 'FORWARD', before.forwardPolicy]);
}
