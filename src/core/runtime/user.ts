// `--user name|uid[:group|gid]` resolved against the image's /etc/passwd and /etc/group, as Docker does.
import { invalidArgument } from '../errdefs.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

const parseTable = (text: string): string[][] => text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));

export function resolveUser(spec: string, passwd: string, group: string): ResolvedUser {
  const [userPart = '', groupPart] = (spec || '0').split(':');
  const users = parseTable(passwd);
  const groups = parseTable(group);
  const byName = users.find((u) => u[0] === userPart);
  const byUid = /^\d+$/.test(userPart) ? users.find((u) => u[2] === userPart) : undefined;
  const entry = byName ?? byUid;
  if (!entry && !/^\d+$/.test(userPart)) throw invalidArgument(`unable to find user ${userPart}: no matching entries in passwd file`);
  const uid = entry ? Number(entry[2]) : Number(userPart);
  let gid = entry ? Number(entry[3]) : 0;
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((x) => x[0] === groupPart);
      if (!g) throw invalidArgument(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = Number(g[2]);
    }
  }
  const name = entry?.[0];
  const additionalGids = name ? groups.filter((g) => (g[3] ?? '').split(',').includes(name)).map((g) => Number(g[2])).filter((g) => g !== gid) : [];
  return { uid, gid, additionalGids, home: entry?.[5] || '/' };
}
