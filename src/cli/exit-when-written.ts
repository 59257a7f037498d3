// How the berth process ends once a command's main() has its exit status. Left to itself, Node ends the process only
// after one more turn of its event loop (the closed connection's callbacks), and on that turn V8 runs the young
// generation's scavenge that it scheduled as a task during the command: 1.1-1.3 ms of CPU of a ~43 ms `berth ps`,
// for memory the process is about to give back (measured 2026-12-05: main's end -> 'beforeExit' 1.26 ms, 0.07 ms
// without the task; `node --trace-gc`: "Scavenge ... task"). The command's work is over when main() resolves (every
// verb awaits what it started), so the process exits at once, unless its output is not all written yet: a pipe
// that was full leaves bytes queued in the stream, and process.exit would drop them. Then Node ends the process as
// before, once the queued output is written.

/** Sets the exit status, and exits now when stdout and stderr hold no queued output. */
export function exitWhenWritten(code: number): void {
  process.exitCode = code;
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
}
