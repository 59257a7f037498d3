// docker's confirmation prompt: the question on stdout, one line read from stdin; only y/Y confirms.
import type { CliContext } from './context.js';

export async function confirm(ctx: CliContext, question: string, signal?: AbortSignal): Promise<boolean> {
  ctx.out(`${question} [y/N] `);
  const line = await readLine(ctx.stdin, signal);
  return /^y(es)?$/i.test(line.trim());
}

function readLine(input: NodeJS.ReadStream, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const finish = (): void => {
      input.off('data', onData);
      input.off('end', finish);
      input.pause();
      resolve(text);
    };
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      const nl = text.indexOf('\n');
      if (nl >= 0) {
        text = text.slice(0, nl);
        finish();
      }
    };
    signal?.addEventListener('abort', finish, { once: true });
    input.on('data', onData);
    input.once('end', finish);
    input.resume();
  });
}
