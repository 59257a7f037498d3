// Container logs that follow and stay responsive at 100,000+ lines: the stream is split into lines
// in a plain array, re-rendered at most once a frame, and shown through the virtual list.
import { useEffect, useRef, useState } from 'preact/hooks';
import { engine, errorText } from '../api.js';
import { VirtualList } from './virtual-list.js';
import { LogSplitter } from '../log-splitter.js';

export function LogView({ id, tty, tail }: { id: string; tty: boolean; tail: string }) {
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState('loading…');
  const [follow, setFollow] = useState(true);
  const splitter = useRef(new LogSplitter(!tty));
  useEffect(() => {
    const abort = new AbortController();
    const s = new LogSplitter(!tty);
    splitter.current = s;
    setVersion((v) => v + 1);
    let frame = 0;
    const schedule = (): void => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setVersion((v) => v + 1);
      });
    };
    (async () => {
      const res = await engine.containers.logs(
        id,
        { stdout: true, stderr: true, follow: true, tail },
        { signal: abort.signal },
      );
      setStatus('following');
      const reader = res.body!.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        s.push(value);
        schedule();
      }
      setStatus('ended');
    })().catch((err: unknown) => {
      if (!abort.signal.aborted) setStatus(errorText(err));
    });
    return () => {
      abort.abort();
      cancelAnimationFrame(frame);
    };
  }, [id, tty, tail]);
  const lines = splitter.current.lines;
  return (
    <div class="logs">
      <div class="logs-bar">
        <span data-testid="log-count">{lines.length.toLocaleString('en')} lines</span>
        <span class="muted">{status}</span>
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow((e.target as HTMLInputElement).checked)} />{' '}
          follow
        </label>
      </div>
      <VirtualList
        count={lines.length}
        rowHeight={18}
        follow={follow}
        version={version}
        className="log-lines"
        testId="log-lines"
        renderRow={(i) => <span class={splitter.current.isStderr(i) ? 'stderr' : ''}>{lines[i]}</span>}
      />
    </div>
  );
}
