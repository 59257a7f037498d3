// Runs a task for each item with at most `limit` running at once (bulk work that should neither run one by one
// nor start everything together). A task that fails ends its worker; the others finish their items, and the
// first failure is thrown once nothing is running any more (no work goes on after the caller has its answer).
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++] as T);
  };
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
