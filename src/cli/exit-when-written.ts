// How the berth process ends once a command's main() has its exit status. Left to itself, Node ends the process only
// after one more turn of its event loop (the closed connection's callbacks), and on that turn V8 runs the young
// generation's scavenge that it scheduled as a task during the command: 1.1-1.3 ms of CPU of a ~43 ms `berth ps`,
// for memory the process is about to give back (measured 2026-12-05: main's end -> 'beforeExit' 1.26 ms, 0.07 ms
// without the task; `node --trace-gc`: "Scavenge ... task"). The command's work is over when main() resolves (every
// verb awaits what it started), so the process exits at once, unless its output is not all written yet: a pipe
// that was full leaves bytes queued in the stream, and process.exit would drop them. Then Node ends the process as
// before, once the queued output is written.

// Node makes process.stderr on its first access (for a pipe, a net.Socket: ~1 ms of CPU), and most commands never
// write to it; asking it for its queue would make it. So its getter is wrapped, when this module loads (bin/berth
// loads it with the bundle, before any command runs), to note whether anything has made it since: a stream nobody
// made holds nothing.
let stderrMade = false;
const stderrProperty = Object.getOwnPropertyDescriptor(process, 'stderr');
if (stderrProperty?.get && stderrProperty.configurable) {
  const made = stderrProperty.get;
  Object.defineProperty(process, 'stderr', {
    ...stderrProperty,
    get(): NodeJS.WriteStream {
      stderrMade = true;
      return made.call(process) as NodeJS.WriteStream;
    },
  });
} else stderrMade = true; // not Node's lazy getter: ask the stream itself

// The command's connections to the daemon are closed by the exit, or, when the process is not ending at once, before
// Node's natural end (they could hold it). Closing them first cost every command ~1.5 ms of CPU: Node's
// Socket.prototype._destroy reads process.stderr (to compare it with the socket), which makes stderr for nothing.
const beforeNaturalEnd: Array<() => void> = [];

/** Runs `close` unless the process exits at once when the command is over (exitWhenWritten). */
export function closeUnlessExiting(close: () => void): void {
  beforeNaturalEnd.push(close);
}

/** Sets the exit status, and exits now when stdout and stderr hold no queued output; else closes what the command
 * left open (closeUnlessExiting) and lets Node end the process once the output is written. */
export function exitWhenWritten(code: number): void {
  process.exitCode = code;
  if (process.stdout.writableLength === 0 && (!stderrMade || process.stderr.writableLength === 0)) process.exit(code);
  for (const close of beforeNaturalEnd.splice(0)) close();
}
