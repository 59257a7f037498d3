// docker's jsonmessage display of a progress stream (pull, push): in a terminal each layer id keeps its
// own line, redrawn in place with cursor moves and a progress bar sized to the terminal; otherwise one
// plain line per message and byte updates left out. Aux messages go to a callback.
import type { Readable } from 'node:stream';
import { jsonMessages, type JsonMessage } from '../client/json-messages.js';
import { humanSize } from './format/units.js';

/** JSONProgress.String() as the docker CLI renders it (no time left: dockerd sends no start time). */
export function progressText(detail: { current?: number; total?: number }, width: number): string {
  const current = detail.current ?? 0;
  const total = detail.total ?? 0;
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current).padStart(8);
  const filled = Math.min(50, Math.floor(Math.floor((current / total) * 100) / 2));
  const bar = width > 110 ? `[${'='.repeat(filled)}>${' '.repeat(Math.max(0, 50 - filled))}] ` : '';
  const numbers =
    current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

const hasProgress = (m: JsonMessage): boolean => m.progressDetail !== undefined;

export async function displayProgress(
  stream: Readable,
  out: NodeJS.WriteStream,
  options: { terminal: boolean; onAux?: (aux: unknown) => void },
): Promise<void> {
  const { terminal } = options;
  let ids = new Map<string, number>();
  const width = (): number => (terminal ? out.columns || 80 : 200);
  for await (const msg of jsonMessages(stream)) {
    if (msg.aux !== undefined) {
      options.onAux?.(msg.aux);
      continue;
    }
    let diff = 0;
    if (msg.id && (hasProgress(msg) || msg.progress)) {
      let line = ids.get(msg.id);
      if (line === undefined) {
        line = ids.size;
        ids.set(msg.id, line);
        if (terminal) out.write('\n');
      }
      diff = ids.size - line;
      if (terminal) out.write(`\x1b[${diff}A`);
    } else ids = new Map();
    const bar = msg.progressDetail ? progressText(msg.progressDetail, width()) : '';
    let text = '';
    if (terminal && msg.stream === undefined && hasProgress(msg)) text += '\x1b[2K\r';
    else if (bar !== '') {
      // A byte update is left out of non-terminal output.
      continue;
    }
    if (msg.id) text += `${msg.id}: `;
    if (hasProgress(msg) && terminal) text += `${msg.status ?? ''} ${bar}\r`;
    else if (msg.stream !== undefined) text += msg.stream;
    else text += `${msg.status ?? ''}\n`;
    out.write(text);
    if (msg.id && terminal && diff > 0) out.write(`\x1b[${diff}B`);
  }
}
