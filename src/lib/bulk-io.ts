// Buffer sizes for bulk data (layer blobs, tar streams): Node's defaults (16 KiB for zlib and write streams,
// 64 KiB for file reads) mean one callback, one promise and one thread-pool trip per few KiB, which for a
// 200 MiB pull was more CPU than hashing and inflating together. Larger chunks cost a little memory per
// stream in flight and nothing in correctness.
export const BULK_CHUNK = 1024 * 1024;
/** zlib's output buffer: large enough that inflating is not dominated by its per-chunk callbacks. */
export const INFLATE_CHUNK = 256 * 1024;
