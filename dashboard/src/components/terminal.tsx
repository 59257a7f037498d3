// A browser terminal (xterm.js) over the dashboard's websocket bridge to a hijacked exec or attach
// stream. It fits its box and tells the engine the new size when the window resizes.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Terminal as XTerm } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';

export interface TerminalSession {
  /** The websocket path, e.g. /api/ws/exec/ID. */
  path: string;
  /** Tells the engine the terminal's size. */
  resize: (rows: number, cols: number) => Promise<unknown>;
  /** Called once the engine's stream is open, with what the server said about it (e.g. the exec id). */
  onOpen?: (info: Record<string, unknown>) => Promise<unknown>;
  onClose?: () => void;
}

export function Terminal({ session }: { session: () => Promise<TerminalSession> }) {
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState('connecting…');
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const term = new XTerm({ convertEol: false, cursorBlink: true, fontSize: 13, theme: { background: '#0f1419' } });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    fit.fit();
    let ws: WebSocket | undefined;
    let current: TerminalSession | undefined;
    let disposed = false;
    const encoder = new TextEncoder();
    const sendSize = (): void => {
      if (current) current.resize(term.rows, term.cols).catch(() => undefined);
    };
    const onWindowResize = (): void => fit.fit();
    addEventListener('resize', onWindowResize);
    term.onResize(sendSize);
    term.onData((d) => {
      if (ws?.readyState === WebSocket.OPEN) ws.send(encoder.encode(d));
    });
    session().then(
      (s) => {
        if (disposed) return;
        current = s;
        ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${s.path}`);
        ws.binaryType = 'arraybuffer';
        ws.onopen = () => term.focus();
        ws.onmessage = (m) => {
          if (typeof m.data === 'string') {
            try {
              const msg = JSON.parse(m.data) as { error?: string; ready?: boolean } & Record<string, unknown>;
              if (msg.error) setStatus(msg.error);
              if (msg.ready) {
                // The engine's stream is open: now the session may start (e.g. the attached container).
                setStatus('connected');
                sendSize();
                void (s.onOpen?.(msg) ?? Promise.resolve()).then(sendSize, (err: unknown) =>
                  setStatus(`error: ${(err as Error).message}`),
                );
              }
            } catch {
              term.write(m.data);
            }
          } else term.write(new Uint8Array(m.data as ArrayBuffer));
        };
        ws.onclose = () => {
          setStatus((prev) => (prev === 'connected' ? 'session ended' : prev));
          s.onClose?.();
        };
      },
      (err: unknown) => setStatus(`error: ${(err as Error).message}`),
    );
    return () => {
      disposed = true;
      removeEventListener('resize', onWindowResize);
      ws?.close();
      term.dispose();
    };
  }, [session]);
  return (
    <div class="terminal-wrap">
      <div class="terminal-status" data-testid="terminal-status">
        {status}
      </div>
      <div class="terminal" ref={box} data-testid="terminal" />
    </div>
  );
}
