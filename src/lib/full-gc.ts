// A full V8 garbage collection on demand, for a process that has just gone idle. V8 collects when it allocates;
// a daemon that stops allocating after a burst keeps what the burst left (measured in berthd after a 100 MB
// `logs` request: 102 MB of heap used and 47 MB of unreachable Buffers, 40 s later, still there).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

export function fullGarbageCollection(): void {
  if (!gc) {
    // Exposing gc after start-up is what `node --expose-gc` does at start; the function is taken from a fresh
    // context so that no global of this process is changed.
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/**
 * V8's low-memory collection (Isolate::LowMemoryNotification, reached through the inspector protocol's
 * HeapProfiler.collectGarbage on an in-process session): repeated full collections that also compact the old
 * space, shrink the young generation back to its initial size and flush unused bytecode. A plain gc() does none of
 * those: after the bench's workloads berthd kept a 32 MB young generation grown by the burst (USS 73 MiB) until
 * V8's own memory reducer ran one such collection 12 s later (USS 51 MiB). Its last collection finds nothing new,
 * so the ArrayBuffers freed by the earlier ones have been swept (V8 sweeps them on a background thread after a
 * collection): a malloc_trim right after it sees their memory free. Falls back to gc() where the inspector is
 * compiled out.
 */
export async function lowMemoryCollection(): Promise<void> {
  if (!process.features.inspector) {
    fullGarbageCollection();
    return;
  }
  const { Session } = await import('node:inspector');
  const session = new Session();
  session.connect();
  try {
    await new Promise<void>((resolve, reject) =>
      session.post('HeapProfiler.collectGarbage', (err) => (err ? reject(err) : resolve())),
    );
  } finally {
    session.disconnect();
  }
}
