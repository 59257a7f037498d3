// The playground: a throwaway busybox container with a shell in the browser. The server owns its
// lifecycle, so it goes when the websocket closes, however the browser left (closed tab, lost network):
// create (AutoRemove, labelled) -> start -> exec sh with a TTY -> bridge -> remove on close.
import type { WebSocket } from 'ws';
import { EngineClient } from '../../client/engine-client.js';
import type { Logger } from '../../lib/logger.js';
import { bridgeTerminal } from './terminal-bridge.js';

export const PLAYGROUND_LABEL = 'berth.dashboard.playground';
export const PLAYGROUND_IMAGE = 'busybox';

export async function runPlayground(ws: WebSocket, engineSocket: string, logger: Logger): Promise<void> {
  const client = new EngineClient(engineSocket);
  let containerId: string | undefined;
  let closed = false;
  const remove = (): void => {
    const id = containerId;
    containerId = undefined;
    if (id)
      client.containers.remove(id, { force: true }).then(
        () => client.close(),
        (err: unknown) => {
          logger.debug({ err, container: id }, 'playground removal failed');
          client.close();
        },
      );
    else client.close();
  };
  ws.once('close', () => {
    closed = true;
    remove();
  });
  try {
    const created = await client.containers.create({
      Image: PLAYGROUND_IMAGE,
      // pid 1 only holds the container open; the shell is an exec, so it has a TTY of its own.
      Cmd: ['sh', '-c', "trap 'exit 0' TERM; sleep 86400 & wait"],
      Labels: { [PLAYGROUND_LABEL]: 'true' },
      HostConfig: { AutoRemove: true },
    });
    containerId = created.Id;
    if (closed) return remove();
    await client.containers.start(created.Id);
    const exec = await client.exec.create(created.Id, {
      Cmd: ['sh'],
      Tty: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Env: ['TERM=xterm-256color', 'PS1=playground$ '],
    });
    if (closed) return remove();
    bridgeTerminal(ws, engineSocket, { kind: 'exec', id: exec.Id }, logger, {
      readyInfo: { exec: exec.Id, container: created.Id },
    });
  } catch (err) {
    const message = (err as Error).message;
    if (ws.readyState === ws.OPEN) {
      ws.send(
        JSON.stringify({
          error: /No such image/i.test(message)
            ? `${message}: pull or load ${PLAYGROUND_IMAGE} first (Images page)`
            : message,
        }),
      );
      ws.close(1011, 'playground failed');
    }
    remove();
  }
}
