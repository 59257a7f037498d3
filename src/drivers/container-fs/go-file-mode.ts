// Go's os.FileMode bits from a Unix st_mode, as Docker's path-stat header carries them (dir = 1<<31, ...).
const S_IFMT = 0o170000;
const TYPE_BITS: Record<number, number> = {
  0o040000: 2 ** 31, // directory
  0o120000: 2 ** 27, // symlink
  0o010000: 2 ** 25, // named pipe
  0o140000: 2 ** 24, // socket
  0o020000: 2 ** 26 + 2 ** 21, // device | char device
  0o060000: 2 ** 26, // device
};

export function goFileMode(mode: number): number {
  let out = (TYPE_BITS[mode & S_IFMT] ?? 0) + (mode & 0o777);
  if (mode & 0o4000) out += 2 ** 23;
  if (mode & 0o2000) out += 2 ** 22;
  if (mode & 0o1000) out += 2 ** 20;
  return out;
}
