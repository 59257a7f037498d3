// BuildKit's progress display (its progressui, as buildx prints it) of a SolveStatus stream: `plain` prints each
// vertex as `#N name`, its logs with the seconds since it started, its sub-statuses, then `#N DONE 0.3s`,
// `#N CACHED` or `#N ERROR: …`, a blank line between vertexes; `tty` redraws a `[+] Building 1.2s (3/5)` view in
// place (cursor up, erase line) every 100 ms and at the end. After a failure both show the failing vertex's logs
// between `------` lines, as buildx does.
import type { StatusResponse } from '../gen/buildkit/github.com/moby/buildkit/api/services/control/control_pb.js';
import { progressSize } from './format/units.js';

interface Time {
  seconds: bigint;
  nanos: number;
}

const ms = (t: Time | undefined): number | undefined =>
  t === undefined ? undefined : Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6);

interface StatusLine {
  id: string;
  current: number;
  total: number;
  started?: number;
  completed?: number;
  printed: boolean;
}

interface VertexState {
  index: number;
  digest: string;
  name: string;
  started?: number;
  completed?: number;
  cached: boolean;
  error: string;
  logs: { at: number; text: string }[];
  /** A log's last line without its newline yet. */
  partial: string;
  statuses: Map<string, StatusLine>;
  headerPrinted: boolean;
  endPrinted: boolean;
}

const seconds = (msValue: number): string => `${(msValue / 1000).toFixed(1)}s`;

export class SolveTrace {
  readonly vertexes = new Map<string, VertexState>();
  readonly startedAt = Date.now();

  /** Merges one StatusResponse; returns the vertexes it touched, in display order. */
  update(status: StatusResponse): VertexState[] {
    const touched = new Set<VertexState>();
    for (const v of status.vertexes) {
      const state = this.vertex(v.digest, v.name);
      state.name = v.name || state.name;
      state.started = ms(v.started) ?? state.started;
      state.completed = ms(v.completed) ?? state.completed;
      state.cached ||= v.cached;
      state.error = v.error || state.error;
      touched.add(state);
    }
    for (const s of status.statuses) {
      const state = this.vertex(s.vertex);
      const line = state.statuses.get(s.ID) ?? { id: s.ID, current: 0, total: 0, printed: false };
      line.current = Number(s.current);
      line.total = Number(s.total);
      line.started = ms(s.started) ?? line.started;
      line.completed = ms(s.completed) ?? line.completed;
      state.statuses.set(s.ID, line);
      touched.add(state);
    }
    for (const l of status.logs) {
      const state = this.vertex(l.vertex);
      const text = state.partial + Buffer.from(l.msg).toString('utf8');
      const lines = text.split('\n');
      state.partial = lines.pop() ?? '';
      const at = ms(l.timestamp) ?? Date.now();
      for (const line of lines) state.logs.push({ at, text: line });
      touched.add(state);
    }
    return [...touched].sort((a, b) => a.index - b.index);
  }

  private vertex(digest: string, name = ''): VertexState {
    let state = this.vertexes.get(digest);
    if (!state) {
      state = {
        index: this.vertexes.size + 1,
        digest,
        name,
        cached: false,
        error: '',
        logs: [],
        partial: '',
        statuses: new Map(),
        headerPrinted: false,
        endPrinted: false,
      };
      this.vertexes.set(digest, state);
    }
    return state;
  }

  /** The failed vertexes' logs between `------` lines (buildx prints them before its ERROR line). */
  errorReport(): string {
    let out = '';
    for (const v of this.vertexes.values()) {
      if (!v.error) continue;
      out += `------\n > ${v.name}:\n`;
      for (const l of v.logs.slice(-10)) out += `#${v.index} ${logTime(v, l.at)} ${l.text}\n`;
      out += '------\n';
    }
    return out;
  }
}

const logTime = (v: VertexState, at: number): string => ((at - (v.started ?? at)) / 1000).toFixed(3);

/** progressui's plain mode: text appended as the build goes. */
export class PlainPrinter {
  private current: VertexState | undefined;
  private printedAny = false;
  private logsPrinted = new Map<VertexState, number>();

  constructor(private readonly write: (text: string) => void) {}

  print(touched: VertexState[]): void {
    for (const v of touched) {
      if (v.started === undefined && !v.cached) continue;
      let out = '';
      const header = (): void => {
        if (this.current === v) return;
        if (this.printedAny) out += '\n';
        out += `#${v.index} ${v.name}\n`;
        this.current = v;
        v.headerPrinted = true;
      };
      const logged = this.logsPrinted.get(v) ?? 0;
      for (const l of v.logs.slice(logged)) {
        header();
        out += `#${v.index} ${logTime(v, l.at)} ${l.text}\n`;
      }
      this.logsPrinted.set(v, v.logs.length);
      for (const s of v.statuses.values()) {
        if (s.printed || s.completed === undefined) continue;
        header();
        s.printed = true;
        out += `#${v.index} ${statusText(s)} done\n`;
      }
      if (v.completed !== undefined && !v.endPrinted) {
        header();
        v.endPrinted = true;
        if (v.error) out += `#${v.index} ERROR: ${v.error}\n`;
        else if (v.cached) out += `#${v.index} CACHED\n`;
        else out += `#${v.index} DONE ${seconds(v.completed - (v.started ?? v.completed))}\n`;
      } else if (v.cached && !v.endPrinted && v.started === undefined) {
        header();
        v.endPrinted = true;
        out += `#${v.index} CACHED\n`;
      } else if (!v.headerPrinted) header();
      if (out) {
        this.write(out);
        this.printedAny = true;
      }
    }
  }
}

/** ` 34B`, ` 1.2 / 3.4MB`, then ` 0.1s` when it took more than 10 ms (as progressui). */
function statusText(s: StatusLine): string {
  let text = s.id;
  if (s.total !== 0) text += ` ${progressSize(s.current)} / ${progressSize(s.total)}`;
  else if (s.current !== 0) text += ` ${progressSize(s.current)}`;
  if (s.started !== undefined) {
    const took = (s.completed ?? Date.now()) - s.started;
    if (took > 10) text += ` ${seconds(took)}`;
  }
  return text;
}

/** progressui's tty mode: the whole view redrawn in place. */
export class TtyDisplay {
  private height = 0;

  constructor(
    private readonly out: { write(text: string): unknown; columns?: number },
    private readonly trace: SolveTrace,
  ) {}

  draw(finished: boolean): void {
    const width = Math.max(40, this.out.columns || 80);
    const all = [...this.trace.vertexes.values()].filter((v) => v.started !== undefined || v.cached);
    const done = all.filter((v) => v.completed !== undefined || (v.cached && v.started === undefined)).length;
    const now = Date.now();
    const lines = [
      `[+] Building ${seconds(now - this.trace.startedAt)} (${done}/${all.length})${finished ? ' FINISHED' : ''}`,
    ];
    const row = (left: string, time: number | undefined): string => {
      const right = time === undefined ? '' : seconds(time);
      const room = width - right.length - 1;
      const text = left.length > room ? left.slice(0, room) : left.padEnd(room);
      return `${text} ${right}`.trimEnd();
    };
    for (const v of all) {
      const state = v.error ? 'ERROR ' : v.cached ? 'CACHED ' : '';
      const took = v.started === undefined ? 0 : (v.completed ?? now) - v.started;
      lines.push(row(` => ${state}${v.name}`, took));
      for (const s of v.statuses.values()) {
        const sTook = s.started === undefined ? undefined : (s.completed ?? now) - s.started;
        const sub =
          s.total !== 0
            ? ` ${progressSize(s.current)} / ${progressSize(s.total)}`
            : s.current
              ? ` ${progressSize(s.current)}`
              : '';
        lines.push(row(` => => ${s.id}${sub}`, sTook));
      }
      // A running step shows its last lines of output.
      if (v.completed === undefined && !finished)
        for (const l of v.logs.slice(-6)) lines.push(row(` => => # ${l.text}`, undefined));
    }
    let text = this.height > 0 ? `\x1b[${this.height}A` : '';
    for (const line of lines) text += `\x1b[2K${line}\n`;
    // Lines the previous view had beyond this one are cleared.
    for (let i = lines.length; i < this.height; i++) text += '\x1b[2K\n';
    const extra = Math.max(0, this.height - lines.length);
    if (extra > 0) text += `\x1b[${extra}A`;
    this.height = lines.length;
    this.out.write(text);
  }
}
