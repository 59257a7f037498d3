// Waits for a file to appear (watching its directory, so no polling), up to a time limit.
import { existsSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { failedPrecondition } from '../../core/errdefs.js';

export function fileCreated(path: string, timeoutMs: number): { done: Promise<void>; cancel(): void } {
  let finish: (err?: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = (err) => (err ? reject(err) : resolve());
  });
  const watcher = watch(dirname(path), (_event, name) => {
    if (name === basename(path) && existsSync(path)) end();
  });
  const timer = setTimeout(() => end(failedPrecondition(`${path} was not created within ${timeoutMs} ms`)), timeoutMs);
  function end(err?: Error): void {
    clearTimeout(timer);
    watcher.close();
    finish(err);
  }
  if (existsSync(path)) end();
  return { done, cancel: () => end() };
}
