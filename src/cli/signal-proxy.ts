// --sig-proxy: while `run` or `attach` is attached to a container without a TTY, signals the CLI receives go
// to the container (POST /containers/{id}/kill?signal=NAME), as docker's ForwardAllSignals does. With a TTY
// the terminal itself carries ^C and friends, so docker proxies nothing then, and neither does berth.
import type { CliContext } from './context.js';

/** What Node lets a process catch, less those docker never forwards (SIGCHLD, SIGPIPE, SIGURG, SIGWINCH). */
const PROXIED: NodeJS.Signals[] = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGQUIT',
  'SIGUSR1',
  'SIGUSR2',
  'SIGALRM',
  'SIGCONT',
  'SIGTSTP',
  'SIGTTIN',
  'SIGTTOU',
  'SIGVTALRM',
  'SIGPROF',
  'SIGXCPU',
  'SIGXFSZ',
  'SIGSYS',
  'SIGTRAP',
  'SIGPWR',
];

/** Forwards signals to container `id` until the returned function is called. */
export function proxySignals(ctx: CliContext, id: string): () => void {
  const handlers = PROXIED.map((signal) => {
    const forward = (): void => {
      ctx.client.containers.kill(id, { signal }).catch((err: unknown) => {
        ctx.stderr.write(`error sending signal: ${err instanceof Error ? err.message : String(err)}\n`);
      });
    };
    process.on(signal, forward);
    return [signal, forward] as const;
  });
  return () => {
    for (const [signal, forward] of handlers) process.off(signal, forward);
  };
}
