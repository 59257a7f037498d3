// Heap headroom while bulk data streams through the process (a pull's layers). V8 counts the native memory of
// Buffers allocated since its last full collection against the old generation's limit, which it sets only a few
// MB above the live heap: a 200 MiB pull allocates about 1 GB of Buffers (socket reads, 1 MiB chunks, inflated
// tar), some of which outlive two scavenges, so berthd ran a full mark-compact of its ~18 MB heap every few MB
// of promoted Buffers (25-45 per pull, measured with --trace-gc). While a holder runs, the heap's growing factor
// is raised so the limit sits well above the live heap; the Buffers are still freed, by scavenges and by the
// fewer full collections. The flag is read each time V8 computes a limit, so it can be set and reset at run time.
import { setFlagsFromString } from 'node:v8';

/** Heap growing factor 1 + 300/100 while held; 0 is V8's default (its own factor from GC speed). */
const HELD = '--heap-growing-percent=300';
const RELEASED = '--heap-growing-percent=0';

let holders = 0;

/** Runs `body` with the raised heap growing factor; the default returns when the last holder ends. */
export async function withHeapHeadroom<T>(body: () => Promise<T>): Promise<T> {
  if (holders++ === 0) setFlagsFromString(HELD);
  try {
    return await body();
  } finally {
    if (--holders === 0) setFlagsFromString(RELEASED);
  }
}
