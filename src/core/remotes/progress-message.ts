// Docker's JSON progress messages (pull, push): the message shapes dockerd writes, field order included,
// and the `progress` bar string it renders server-side (go-units HumanSize, width 200, no time left).
import { formatG } from '../../lib/go-template/index.js';

export interface ProgressDetail {
  current?: number;
  total?: number;
}

export interface JsonProgressMessage {
  status?: string;
  progressDetail?: ProgressDetail;
  progress?: string;
  id?: string;
  errorDetail?: { message: string };
  error?: string;
  aux?: unknown;
}

/** go-units HumanSize: four significant digits, decimal units. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < units.length - 1) {
    size /= 1000;
    i++;
  }
  return `${formatG(size, 4)}${units[i]}`;
}

/** The bar dockerd puts in `progress`: `[=====>      ]  1.2MB/3.4MB`. */
export function progressBar(current: number, total: number): string {
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current).padStart(8);
  const filled = Math.min(50, Math.floor(Math.floor((current / total) * 100) / 2));
  const bar = `[${'='.repeat(filled)}>${' '.repeat(Math.max(0, 50 - filled))}] `;
  const numbers =
    current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

/** A plain status line (`Digest: ...`, `Status: ...`), optionally for one id. */
export const statusMessage = (status: string, id?: string): JsonProgressMessage =>
  id === undefined ? { status } : { status, id };

/** A per-layer step (`Pulling fs layer`, `Pull complete`): dockerd sends an empty progressDetail with these. */
export const stepMessage = (id: string, status: string): JsonProgressMessage => ({ status, progressDetail: {}, id });

/** A byte-progress update (`Downloading`, `Extracting`, `Pushing`). */
export const bytesMessage = (id: string, status: string, current: number, total: number): JsonProgressMessage => ({
  status,
  progressDetail: { current, total },
  progress: progressBar(current, total),
  id,
});

export const auxMessage = (aux: unknown): JsonProgressMessage => ({ progressDetail: {}, aux });

export const errorMessage = (message: string): JsonProgressMessage => ({ errorDetail: { message }, error: message });

/** Layer ids in progress output: the first 12 hex digits of a digest. */
export const shortId = (digest: string): string => digest.replace(/^sha256:/, '').slice(0, 12);
