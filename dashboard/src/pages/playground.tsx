// The playground: one click runs a busybox shell in the browser terminal. The dashboard server creates
// the container (AutoRemove) and removes it when the terminal's websocket closes.
import { useCallback, useState } from 'preact/hooks';
import { engine } from '../api.js';
import { Heading } from '../components/common.js';
import { Terminal, type TerminalSession } from '../components/terminal.js';

export function PlaygroundPage() {
  const [run, setRun] = useState(0);
  const session = useCallback(async (): Promise<TerminalSession> => {
    let execId: string | undefined;
    return {
      path: '/api/ws/playground',
      resize: (h, w) => (execId ? engine.exec.resize(execId, { h, w }) : Promise.resolve()),
      onOpen: async (info) => {
        execId = typeof info.exec === 'string' ? info.exec : undefined;
      },
    };
  }, []);
  return (
    <section class="page">
      <Heading title="Playground">
        <button data-testid="playground-start" onClick={() => setRun((n) => n + 1)}>
          {run ? 'New shell' : 'Run a busybox shell'}
        </button>
      </Heading>
      <p class="muted">A throwaway busybox container: it is removed when the shell exits or you leave this page.</p>
      {run > 0 && <Terminal key={run} session={session} />}
    </section>
  );
}
