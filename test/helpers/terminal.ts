// A real terminal for interactive tests: a tmux session on its own server socket (no clash with other tests),
// typed into with send-keys and read with capture-pane. Waits poll the screen, bounded, instead of sleeping.
import { execFileSync } from 'node:child_process';

export interface Terminal {
  /** Types text (tmux key names for special keys: 'Enter', 'C-p'). */
  send(...keys: string[]): void;
  /** The visible screen and scrollback. */
  screen(): string;
  /** Resolves with the screen once `pattern` shows, fails after timeoutMs with the screen in the message. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  resize(width: number, height: number): void;
  close(): void;
}

let counter = 0;

export function openTerminal(command: string, env: NodeJS.ProcessEnv, size = { width: 100, height: 30 }): Terminal {
  const server = `berth-test-${process.pid}-${counter++}`;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', server, ...args], { encoding: 'utf8', env });
  const envArgs = Object.entries(env)
    .filter(([k]) => ['DOCKER_HOST', 'BERTH_HOST', 'PATH', 'DOCKER_CLI_HINTS'].includes(k))
    .flatMap(([k, v]) => ['-e', `${k}=${v ?? ''}`]);
  // The command's exit code lands on screen; the shell then waits so the pane stays readable.
  tmux(
    'new-session',
    '-d',
    '-x',
    String(size.width),
    '-y',
    String(size.height),
    ...envArgs,
    `${command}; echo EXITED=$?; sleep 600`,
  );
  const screen = (): string => tmux('capture-pane', '-p', '-J', '-S', '-200');
  return {
    send: (...keys) => void tmux('send-keys', ...keys),
    screen,
    async waitFor(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = screen();
        if (pattern.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} on the terminal:\n${text}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    resize: (width, height) => void tmux('resize-window', '-x', String(width), '-y', String(height)),
    close: () => {
      try {
        tmux('kill-server');
      } catch {
        /* already gone */
      }
    },
  };
}
