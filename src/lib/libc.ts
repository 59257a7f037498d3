// Calls into the C library that Node does not expose, through koffi (a maintained FFI library with prebuilt
// binaries). Loaded on first use; where it cannot load (another libc, an unsupported platform), the calls report
// that they did nothing instead of failing. Every call runs on a thread-pool thread (koffi's async calls), so a
// slow one (an unmount waiting on its filesystem) never holds the event loop.
import { createRequire } from 'node:module';

/** A C function as koffi declares it, called on a thread-pool thread with a Node-style callback. */
export type AsyncCall<A extends unknown[]> = { async(...args: [...A, (err: unknown, result: number) => void]): void };

interface LibcCalls {
  mallocTrim: AsyncCall<[number]>;
  mount: AsyncCall<[string | null, string, string | null, number, string | null]>;
  umount2: AsyncCall<[string, number]>;
  syncFileRange: AsyncCall<[number, number, number, number]>;
}

/** The C library as koffi loads it: `func` declares one of its functions from a C prototype. */
export interface CLibrary {
  func(signature: string): unknown;
}

/** The part of koffi's API used here (typed locally: a checkout without koffi installed still type-checks). */
interface Koffi {
  load(path: string): CLibrary;
}

let library: CLibrary | null | undefined;

/** glibc through koffi, loaded once; null where koffi or the library cannot be loaded. */
export function cLibrary(): CLibrary | null {
  if (library !== undefined) return library;
  try {
    // koffi ships CommonJS; loading it lazily keeps it out of processes that never call libc (the CLI).
    library = (createRequire(import.meta.url)('koffi') as Koffi).load('libc.so.6');
  } catch {
    library = null;
  }
  return library;
}

/**
 * Declares a set of C functions on first use and keeps them: null where the C library or one of the declarations
 * cannot be loaded (the callers then report that they did nothing).
 */
export function lazyCLibraryCalls<T>(declare: (lib: CLibrary) => T): () => T | null {
  let calls: T | null | undefined;
  return () => {
    if (calls !== undefined) return calls;
    const lib = cLibrary();
    try {
      calls = lib ? declare(lib) : null;
    } catch {
      calls = null;
    }
    return calls;
  };
}

const libc = lazyCLibraryCalls<LibcCalls>((lib) => ({
  mallocTrim: lib.func('int malloc_trim(size_t pad)') as LibcCalls['mallocTrim'],
  mount: lib.func(
    'int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)',
  ) as LibcCalls['mount'],
  umount2: lib.func('int umount2(const char *target, int flags)') as LibcCalls['umount2'],
  syncFileRange: lib.func(
    'int sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned int flags)',
  ) as LibcCalls['syncFileRange'],
}));

/**
 * glibc's malloc_trim(0) on a thread-pool thread: gives the free pages of every malloc arena back to the kernel
 * (memory that Buffers and native code freed and glibc kept; V8's own heap is not malloc's). Resolves false when
 * nothing could be called.
 */
export async function mallocTrim(): Promise<boolean> {
  const lib = libc();
  if (!lib) return false;
  await callAsync(lib.mallocTrim, 0);
  return true;
}

/** glibc's mallopt parameter M_ARENA_MAX (malloc.h). */
const M_ARENA_MAX = -8;

/**
 * glibc's mallopt(M_ARENA_MAX, count), called synchronously: threads that allocate after it share at most `count`
 * malloc arenas instead of one each (up to 8 per core), each keeping its own free pages. Returns false when nothing
 * could be called.
 */
export function limitMallocArenas(count: number): boolean {
  const lib = cLibrary();
  if (!lib) return false;
  try {
    const mallopt = lib.func('int mallopt(int param, int value)') as (param: number, value: number) => number;
    return mallopt(M_ARENA_MAX, count) === 1;
  } catch {
    return false;
  }
}

/** Calls `fn` on a thread-pool thread; resolves its C return value. */
export function callAsync<A extends unknown[]>(fn: AsyncCall<A>, ...args: A): Promise<number> {
  return new Promise((resolve, reject) =>
    fn.async(...args, (err: unknown, result: number) =>
      err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result),
    ),
  );
}

/** mount(2)'s flags used here. */
export const MS_RDONLY = 0x1;
export const MS_NOSUID = 0x2;
export const MS_NODEV = 0x4;
export const MS_NOEXEC = 0x8;
export const MS_REMOUNT = 0x20;
export const MS_BIND = 0x1000;
/** umount2(2)'s lazy detach. */
export const MNT_DETACH = 0x2;

/**
 * mount(2). Resolves 'unavailable' where the C library cannot be called, 'failed' when the kernel refused (errno
 * does not survive the thread hop: callers that need the reason ask mount(8) for it).
 */
export async function mountSyscall(
  source: string | null,
  target: string,
  fstype: string | null,
  flags: number,
  data: string | null,
): Promise<'ok' | 'failed' | 'unavailable'> {
  const lib = libc();
  if (!lib) return 'unavailable';
  return (await callAsync(lib.mount, source, target, fstype, flags, data)) === 0 ? 'ok' : 'failed';
}

/** umount2(2); results as mountSyscall's. */
export async function umountSyscall(target: string, flags: number): Promise<'ok' | 'failed' | 'unavailable'> {
  const lib = libc();
  if (!lib) return 'unavailable';
  return (await callAsync(lib.umount2, target, flags)) === 0 ? 'ok' : 'failed';
}

/** sync_file_range(2)'s flag: start writeback of the range's dirty pages, without waiting for it. */
const SYNC_FILE_RANGE_WRITE = 0x2;

/**
 * Starts writing an open file's dirty pages to disk without waiting for them (sync_file_range(2) over the whole
 * file): a later fsync then has less left to do. Resolves false where the C library cannot be called or the
 * kernel refused; it never stands in for that fsync.
 */
export async function startWriteback(fd: number): Promise<boolean> {
  const lib = libc();
  if (!lib) return false;
  return (await callAsync(lib.syncFileRange, fd, 0, 0, SYNC_FILE_RANGE_WRITE)) === 0;
}
