// conmon's control FIFO (`<bundle>/ctl`): "1 <height> <width>" resizes the process's TTY.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { failedPrecondition } from '../../core/errdefs.js';
import type { ConsoleSize } from '../../core/runtime/runtime.js';

const WIN_RESIZE_EVENT = 1;

export async function requestResize(bundleDir: string, size: ConsoleSize): Promise<void> {
  // Non-blocking: with no conmon reading (process gone) the open fails instead of hanging.
  const fh = await open(join(bundleDir, 'ctl'), constants.O_WRONLY | constants.O_NONBLOCK).catch(() => {
    throw failedPrecondition('the process is not running');
  });
  try {
    await fh.write(`${WIN_RESIZE_EVENT} ${Math.trunc(size.height)} ${Math.trunc(size.width)}\n`);
  } finally {
    await fh.close();
  }
}
