// Human units, as docker prints them (decimal sizes), and short ids.
export function bytes(n: number | undefined): string {
  if (n === undefined || n < 0 || !Number.isFinite(n)) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(n < 10 ? 2 : 1)}${units[i]}`;
}

export const shortId = (id: string | undefined): string => (id ?? '').replace(/^sha256:/, '').slice(0, 12);

export function ago(unixSeconds: number | undefined): string {
  const s = Math.max(0, Date.now() / 1000 - (unixSeconds ?? 0));
  if (s < 60) return `${Math.floor(s)}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export const displayName = (names: string[] | undefined): string => (names?.[0] ?? '').replace(/^\//, '');
