// Calls into the C library that Node does not expose, through koffi (a maintained FFI library with prebuilt
// binaries). Loaded on first use; where it cannot load (another libc, an unsupported platform), the calls report
// that they did nothing instead of failing.
import { createRequire } from 'node:module';

interface LibcCalls {
  mallocTrim: { async(pad: number, done: (err: unknown, result: number) => void): void };
}

/** The part of koffi's API used here (typed locally: a checkout without koffi installed still type-checks). */
interface Koffi {
  load(path: string): { func(signature: string): unknown };
}

let calls: LibcCalls | null | undefined;

function libc(): LibcCalls | null {
  if (calls !== undefined) return calls;
  try {
    // koffi ships CommonJS; loading it lazily keeps it out of processes that never trim (the CLI).
    const koffi = createRequire(import.meta.url)('koffi') as Koffi;
    const lib = koffi.load('libc.so.6');
    calls = { mallocTrim: lib.func('int malloc_trim(size_t pad)') as LibcCalls['mallocTrim'] };
  } catch {
    calls = null;
  }
  return calls;
}

/**
 * glibc's malloc_trim(0) on a thread-pool thread: gives the free pages of every malloc arena back to the kernel.
 * glibc keeps memory that Buffers and native code freed (a daemon that created 1000 containers held ~110 MB of
 * it); V8's heap is not malloc's and is unaffected. Resolves false when nothing could be called.
 */
export function mallocTrim(): Promise<boolean> {
  const lib = libc();
  if (!lib) return Promise.resolve(false);
  return new Promise((resolve, reject) =>
    lib.mallocTrim.async(0, (err) =>
      err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(true),
    ),
  );
}
