// Go's os.FileMode bits, as fsutil's Stat.mode carries them (not the unix st_mode layout).
export const GO_MODE = {
  dir: 2 ** 31,
  symlink: 2 ** 27,
  device: 2 ** 26,
  namedPipe: 2 ** 25,
  socket: 2 ** 24,
  setuid: 2 ** 23,
  setgid: 2 ** 22,
  charDevice: 2 ** 21,
  sticky: 2 ** 20,
  irregular: 2 ** 19,
} as const;

const TYPE_BITS =
  GO_MODE.dir |
  GO_MODE.symlink |
  GO_MODE.device |
  GO_MODE.namedPipe |
  GO_MODE.socket |
  GO_MODE.charDevice |
  GO_MODE.irregular;

export type GoFileKind = 'file' | 'dir' | 'symlink' | 'other';

export function goFileKind(mode: number): GoFileKind {
  // >>> 0: the dir bit is bit 31, negative in JavaScript's signed bitwise results.
  const type = (mode & TYPE_BITS) >>> 0;
  if (type === 0) return 'file';
  if (type === GO_MODE.dir) return 'dir';
  if (type === GO_MODE.symlink) return 'symlink';
  return 'other';
}

/** The permission bits (with setuid, setgid and sticky) as a unix mode. */
export function unixPermissions(mode: number): number {
  let perm = mode & 0o777;
  if (mode & GO_MODE.setuid) perm |= 0o4000;
  if (mode & GO_MODE.setgid) perm |= 0o2000;
  if (mode & GO_MODE.sticky) perm |= 0o1000;
  return perm;
}

/** A unix stat as Go's os.FileMode bits (what fsutil's Stat.mode carries), unsigned. */
export function goFileMode(st: {
  mode: number;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}): number {
  let mode = st.mode & 0o777;
  if (st.mode & 0o4000) mode += GO_MODE.setuid;
  if (st.mode & 0o2000) mode += GO_MODE.setgid;
  if (st.mode & 0o1000) mode += GO_MODE.sticky;
  if (st.isDirectory()) mode += GO_MODE.dir;
  else if (st.isSymbolicLink()) mode += GO_MODE.symlink;
  else if (st.isCharacterDevice()) mode += GO_MODE.device + GO_MODE.charDevice;
  else if (st.isBlockDevice()) mode += GO_MODE.device;
  else if (st.isFIFO()) mode += GO_MODE.namedPipe;
  else if (st.isSocket()) mode += GO_MODE.socket;
  return mode;
}
