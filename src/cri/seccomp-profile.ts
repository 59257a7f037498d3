// A Localhost seccomp profile named by a pod or container config, read from the node's file system; a file that
// cannot be read is the caller's bad argument (InvalidArgument with the path), as the CRI runtimes answer.
import { readFileSync } from 'node:fs';
import { invalidArgument } from '../core/errdefs.js';

export function readSeccompProfile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw invalidArgument(`seccomp profile ${path}: ${(err as Error).message}`, err);
  }
}
