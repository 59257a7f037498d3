// The malloc arena limit of berthd, set before the daemon's modules load. glibc gives each allocating thread its
// own arena (the event loop, V8's workers, the thread pool), and each keeps free pages that malloc_trim does not
// all return. mallopt(M_ARENA_MAX) only stops new arenas: called from main(), after the daemon's ~600 modules were
// loaded and compiled (V8's worker threads allocate while they compile), it found 6 arenas already made; called by
// bin/berthd before that import, 2.
import { limitMallocArenas } from '../lib/libc.js';

/** Two arenas held ~3 MB less of an idle daemon than one per thread (USS 32.0 -> 29.1 MiB, n=3, 2026-12-05). */
export const MALLOC_ARENAS = 2;

export function limitDaemonMallocArenas(): boolean {
  return limitMallocArenas(MALLOC_ARENAS);
}
