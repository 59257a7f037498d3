// /etc/subuid and /etc/subgid as shadow-utils reads them: `name-or-uid:start:count` a line, `#` comments.
export interface SubIdRange {
  start: number;
  count: number;
}

/** The ranges a user owns in a subid file, matched by name or by numeric id (as newuidmap matches them). */
export function subIdRanges(text: string, user: { name: string; id: number }): SubIdRange[] {
  const out: SubIdRange[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [owner, start, count] = line.split(':');
    if (owner !== user.name && owner !== String(user.id)) continue;
    const s = Number(start);
    const c = Number(count);
    if (Number.isInteger(s) && Number.isInteger(c) && s >= 0 && c > 0) out.push({ start: s, count: c });
  }
  return out;
}

/** Ids a user's ranges give (an image's files owned by uid 65534 need at least 65535 of them besides root). */
export const subIdCount = (ranges: SubIdRange[]): number => ranges.reduce((n, r) => n + r.count, 0);
