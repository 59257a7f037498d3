// Waiting on a container's output instead of on time: `docker logs -f` runs until what it has printed satisfies
// `done`, or fails after a generous deadline. A started container's process may not have written anything yet.
import { spawn } from 'node:child_process';

export function waitForLogText(
  env: NodeJS.ProcessEnv,
  container: string,
  done: (text: string) => boolean,
  timeoutMs = 60_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['logs', '-f', container], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      child.kill();
      if (error) reject(error);
      else resolve(seen);
    };
    const timer = setTimeout(
      () =>
        finish(new Error(`docker logs -f ${container}: not seen in ${timeoutMs} ms (saw: ${JSON.stringify(seen)})`)),
      timeoutMs,
    );
    const take = (chunk: string): void => {
      seen += chunk;
      if (done(seen)) finish();
    };
    child.stdout.setEncoding('utf8').on('data', take);
    child.stderr.setEncoding('utf8').on('data', take);
    child.on('error', (err) => finish(err));
    child.on('close', () => {
      if (!done(seen)) finish(new Error(`docker logs -f ${container} ended without it (saw: ${JSON.stringify(seen)})`));
    });
  });
}
