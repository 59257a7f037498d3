// crictl's streaming verbs (exec, exec -it, attach, port-forward) as one scenario run the same way against any CRI
// socket (berthd's, containerd's), answering what a user sees, so that the two engines' answers can be compared.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { openTerminal } from './terminal.js';
import { CRICTL, crictl } from './cri.js';
import { httpGet } from './net.js';

export interface StreamingAnswers {
  execWithInput: { code: number | null; stdout: string; error: string };
  execTty: { screen: string[] };
  attach: { code: number | null; stdout: string; stillRunning: boolean };
  portForward: { pages: string[]; refused: boolean };
}

const lastError = (stderr: string): string =>
  (/level=fatal msg="([^"]*)"/.exec(stderr)?.[1] ?? stderr.trim()).replace(/\s+/g, ' ');

/** `container`: a running `sh` reading its stdin (stdin: true, not stdin_once, no TTY), in pod `podId`. */
export async function streamingScenario(socket: string, podId: string, container: string): Promise<StreamingAnswers> {
  // exec, no TTY, stdin piped: the input reaches the process, its end ends it, its exit code comes back.
  const piped = await crictl(socket, ['exec', '-i', container, 'sh', '-c', 'cat; echo done >&2; exit 4'], {
    input: 'piped input\n',
  });
  // exec -it in a real terminal: a TTY of the terminal's size, resized with it, exit code on the way out.
  const term = openTerminal(`${CRICTL} --config /dev/null -r unix://${socket} exec -it ${container} sh`, process.env, {
    width: 91,
    height: 27,
  });
  let screen: string[];
  try {
    await term.waitFor(/# $/m);
    term.send('stty size; tty', 'Enter');
    await term.waitFor(/^27 91$/m);
    term.resize(83, 25);
    // The resize travels on its own stream, beside stdin: keystrokes sent right after it can reach the shell
    // first (seen once in CI: `stty size` still said 27 91). The shell waits for the new size itself.
    term.send('until [ "$(stty size)" = "25 83" ]; do sleep 0.05; done; stty size', 'Enter');
    await term.waitFor(/^25 83$/m);
    term.send('exit 5', 'Enter');
    const text = await term.waitFor(/EXITED=\d+/);
    screen = text
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => /^(\d+ \d+|\/dev\/pts\/\d+|EXITED=\d+)$/.test(line) || /exit code/.test(line))
      .map((line) => line.replace(/\/dev\/pts\/\d+/, '/dev/pts/N').replace(/^FATA\[\d+\] /, ''));
  } finally {
    term.close();
  }
  // attach with stdin, no TTY: commands to the container's shell, its output back; the end of input ends the
  // attach, not the container (not stdin_once).
  const attached = await attachUntil(socket, container, 'echo attached; echo to-err >&2\n', /attached\n/);
  const ps = await crictl(socket, ['ps', '-q', '--state', 'Running', '--id', container]);
  // port-forward to a server listening on the pod's loopback only: reached through the pod's network namespace.
  await crictl(socket, [
    'exec',
    container,
    'sh',
    '-c',
    'mkdir -p /www && echo forwarded > /www/index.html && httpd -p 127.0.0.1:8080 -h /www',
  ]);
  const portForward = await forwardedPages(socket, podId);
  return {
    execWithInput: { code: piped.code, stdout: piped.stdout, error: lastError(piped.stderr) },
    execTty: { screen },
    attach: { code: attached.code, stdout: attached.stdout, stillRunning: ps.stdout.trim().length > 0 },
    portForward,
  };
}

/** crictl attach -i: `input` typed, stdin held open until stdout matches `until`, then ended. */
async function attachUntil(
  socket: string,
  container: string,
  input: string,
  until: RegExp,
): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(CRICTL, ['--config', '/dev/null', '-r', `unix://${socket}`, 'attach', '-i', container], {
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    stdout += text;
    if (until.test(stdout)) child.stdin.end();
  });
  child.stderr.resume();
  child.stdin.write(input);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout };
}

/**
 * crictl port-forward of pod ports 8080 (served) and 8081 (nothing there) to local ports it picks: two pages
 * fetched through 8080 (two connections over the one SPDY connection), and a fetch through 8081 refused.
 */
async function forwardedPages(socket: string, podId: string): Promise<{ pages: string[]; refused: boolean }> {
  const child = spawn(
    CRICTL,
    ['--config', '/dev/null', '-r', `unix://${socket}`, 'port-forward', podId, ':8080', ':8081'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => (stderr += text));
  const exited = once(child, 'exit');
  try {
    const ports = await new Promise<number[]>((resolve, reject) => {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (text: string) => {
        stdout += text;
        const found = [...stdout.matchAll(/Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/g)];
        if (found.length === 2) resolve(found.map((m) => Number(m[1])));
      });
      void exited.then(() => reject(new Error(`crictl port-forward exited: ${stderr}`)));
    });
    const pages = [await httpGet(`http://127.0.0.1:${ports[0]}/`), await httpGet(`http://127.0.0.1:${ports[0]}/`)];
    const refused = await httpGet(`http://127.0.0.1:${ports[1]}/`).then(
      () => false,
      () => true,
    );
    // crictl reports the refused dial on stderr, possibly after the fetch has already failed: wait for its line.
    const logged =
      refused &&
      (await new Promise<boolean>((resolve) => {
        const check = (): void => {
          if (/connection refused/.test(stderr)) done(true);
        };
        const timer = setTimeout(() => done(false), 10_000);
        function done(seen: boolean): void {
          clearTimeout(timer);
          child.stderr.off('data', check);
          resolve(seen);
        }
        child.stderr.on('data', check);
        check();
      }));
    return { pages, refused: logged };
  } finally {
    child.kill();
    await exited;
  }
}
