// The playground: one click runs a busybox shell in the browser terminal; the container removes itself
// when the shell ends (AutoRemove) and is removed when the page is left.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { post, del } from '../api.js';
import { Heading, Problem } from '../components/common.js';
import { Terminal, type TerminalSession } from '../components/terminal.js';

export function PlaygroundPage() {
  const [running, setRunning] = useState(0);
  const [error, setError] = useState<unknown>(undefined);
  const container = useRef<string | undefined>(undefined);
  const removeContainer = (): void => {
    const id = container.current;
    container.current = undefined;
    if (id) del(`/containers/${id}?force=1`).catch(() => undefined);
  };
  useEffect(() => removeContainer, []);
  const session = useCallback(async (): Promise<TerminalSession> => {
    const created = await post<{ Id: string }>('/containers/create', {
      Image: 'busybox',
      Cmd: ['sh'],
      Tty: true,
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Env: ['TERM=xterm-256color', 'PS1=playground$ '],
      Labels: { 'berth.dashboard.playground': 'true' },
      HostConfig: { AutoRemove: true },
    });
    if (!created) throw new Error('create answered nothing');
    container.current = created.Id;
    return {
      path: `/api/ws/attach/${created.Id}`,
      resize: (h, w) => post(`/containers/${created.Id}/resize?h=${h}&w=${w}`),
      // Attached first, then started, so the first prompt is not missed.
      onOpen: () => post(`/containers/${created.Id}/start`),
      onClose: () => setRunning(0),
    };
  }, [running]);
  return (
    <section class="page">
      <Heading title="Playground">
        <button
          data-testid="playground-start"
          onClick={() => {
            removeContainer();
            setError(undefined);
            setRunning((n) => n + 1);
          }}
        >
          {running ? 'New shell' : 'Run a busybox shell'}
        </button>
      </Heading>
      <p class="muted">A throwaway busybox container: it is removed when the shell exits or you leave this page.</p>
      <Problem error={error} />
      {running > 0 && <Terminal key={running} session={session} />}
    </section>
  );
}
