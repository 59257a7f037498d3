// `--user name|uid[:group|gid]` and `--group-add` resolved against the image's /etc/passwd and /etc/group,
// as Docker does: a numeric uid needs no passwd entry (gid 0, home "/"); a name must exist.
import { invalidArgument } from '../errdefs.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

const MAX_ID = 2147483647;
const isNumeric = (s: string): boolean => /^\d+$/.test(s);

const parseTable = (text: string): string[][] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(':'));

function checkId(n: number): number {
  if (n > MAX_ID) throw invalidArgument(`uids and gids must be in range 0-${MAX_ID}`);
  return n;
}

function groupId(name: string, groups: string[][]): number {
  if (isNumeric(name)) return checkId(Number(name));
  const g = groups.find((x) => x[0] === name);
  if (!g) throw invalidArgument(`unable to find group ${name}: no matching entries in group file`);
  return Number(g[2]);
}

export function resolveUser(spec: string, passwd: string, group: string, groupAdd: string[] = []): ResolvedUser {
  const colon = spec.indexOf(':');
  const userPart = (colon >= 0 ? spec.slice(0, colon) : spec) || '0';
  const groupPart = colon >= 0 ? spec.slice(colon + 1) : '';
  const users = parseTable(passwd);
  const groups = parseTable(group);
  // A name is looked up by name; a number by uid, and may have no entry at all.
  const entry = isNumeric(userPart) ? users.find((u) => u[2] === userPart) : users.find((u) => u[0] === userPart);
  if (!entry && !isNumeric(userPart))
    throw invalidArgument(`unable to find user ${userPart}: no matching entries in passwd file`);
  const uid = checkId(entry ? Number(entry[2]) : Number(userPart));
  const gid = groupPart ? groupId(groupPart, groups) : entry ? Number(entry[3]) : 0;
  const name = entry?.[0];
  // As Docker's: the process's groups are its gid, the groups listing the user unless a group was given, --group-add.
  const supplementary =
    name && !groupPart ? groups.filter((g) => (g[3] ?? '').split(',').includes(name)).map((g) => Number(g[2])) : [];
  const extra = groupAdd.map((g) => groupId(g, groups));
  const additionalGids = [...new Set([gid, ...supplementary, ...extra])];
  return { uid, gid, additionalGids, home: entry?.[5] || '/' };
}
