// Waiting on the engine's event stream instead of on time: `docker events --since 0` (so nothing that already
// happened is missed) runs until the lines seen satisfy `done`, or fails after a generous deadline.
import { spawn } from 'node:child_process';

export function waitForEventLines(
  env: NodeJS.ProcessEnv,
  filters: string[],
  format: string,
  done: (lines: string[]) => boolean,
  timeoutMs = 60_000,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const args = ['events', '--since', '0', ...filters.flatMap((f) => ['--filter', f]), '--format', format];
    const child = spawn('docker', args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let seen = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`docker ${args.join(' ')}: not seen in ${timeoutMs} ms (saw: ${JSON.stringify(seen)})`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      seen += chunk;
      const lines = seen.split('\n').filter(Boolean);
      if (done(lines)) {
        clearTimeout(timer);
        child.kill();
        resolve(lines);
      }
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
