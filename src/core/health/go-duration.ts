// A duration written as Go's time.Duration.String() writes it ("500ms", "30s", "1m30s", "1.5s"), for the
// messages Docker puts into health check results.

export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  let rest = ms / 1000;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  rest -= m * 60;
  const s = `${Number(rest.toFixed(3))}s`;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}`;
}
