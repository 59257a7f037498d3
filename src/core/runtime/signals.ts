// Signal names and numbers as Docker accepts them: "SIGTERM", "TERM", "15", "SIGRTMIN+3".
import { invalidArgument } from '../errdefs.js';

const SIGNALS: Record<string, number> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  IOT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  STKFLT: 16,
  CHLD: 17,
  CLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
  XFSZ: 25,
  VTALRM: 26,
  PROF: 27,
  WINCH: 28,
  IO: 29,
  POLL: 29,
  PWR: 30,
  SYS: 31,
  RTMIN: 34,
  RTMAX: 64,
};

export function parseSignal(raw: string): number {
  const s = raw.trim().toUpperCase();
  if (/^-?\d+$/.test(s)) {
    const n = Number(s);
    if (n === 0) throw invalidArgument(`Invalid signal: ${raw}`);
    // Docker parses any number, then refuses one Linux has no signal for.
    if (n < 1 || n > 64) throw invalidArgument(`the linux daemon does not support signal ${n}`);
    return n;
  }
  const name = s.startsWith('SIG') ? s.slice(3) : s;
  const rt = /^RTMIN\+(\d+)$/.exec(name) ?? /^RTMAX-(\d+)$/.exec(name);
  if (rt) {
    const n = name.startsWith('RTMIN') ? 34 + Number(rt[1]) : 64 - Number(rt[1]);
    if (n < 34 || n > 64) throw invalidArgument(`Invalid signal: ${raw}`);
    return n;
  }
  const n = SIGNALS[name];
  if (n === undefined) throw invalidArgument(`Invalid signal: ${raw}`);
  return n;
}
