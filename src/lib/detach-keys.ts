// Detach keys as Docker spells them ("ctrl-p,ctrl-q", "a,ctrl-@"): each part one character or ctrl-<@,a-z,[,\,],^,_>.
// DetachScanner watches a client's input for the sequence: bytes that could start it are held back until it is
// clear whether they do, then passed on; the full sequence is swallowed and reported.

export class DetachKeysError extends Error {}

export const DEFAULT_DETACH_KEYS = Buffer.from([0x10, 0x11]);

const CTRL_NAMES = ['@', ...'abcdefghijklmnopqrstuvwxyz', '[', '\\', ']', '^', '_'];

/** The bytes of a detach-key spec; throws DetachKeysError with `what`'s wording ("Invalid detach keys (x) provided"). */
export function parseDetachKeys(spec: string, what = 'detach keys'): Buffer {
  if (spec === '') return DEFAULT_DETACH_KEYS;
  const codes: number[] = [];
  for (const key of spec.split(',')) {
    if (key.length === 1) {
      codes.push(key.charCodeAt(0));
      continue;
    }
    const lower = key.toLowerCase();
    const code = lower.startsWith('ctrl-') && lower.length === 6 ? CTRL_NAMES.indexOf(lower.slice(5)) : -1;
    if (code < 0) throw new DetachKeysError(`Invalid ${what} (${spec}) provided`);
    codes.push(code);
  }
  return Buffer.from(codes);
}

export class DetachScanner {
  private matched = 0;

  constructor(private readonly keys: Buffer) {}

  /** What to pass on from this chunk, and whether the sequence completed (the rest of the chunk is dropped). */
  feed(chunk: Buffer): { pass: Buffer; detach: boolean } {
    if (this.keys.length === 0) return { pass: chunk, detach: false };
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.keys[this.matched]) {
        this.matched++;
        if (this.matched === this.keys.length) {
          this.matched = 0;
          return { pass: Buffer.from(out), detach: true };
        }
        continue;
      }
      // A broken prefix goes out as typed; the byte may itself start a new match.
      for (let i = 0; i < this.matched; i++) out.push(this.keys[i] as number);
      this.matched = 0;
      if (byte === this.keys[0]) this.matched = 1;
      else out.push(byte);
    }
    return { pass: Buffer.from(out), detach: false };
  }
}
