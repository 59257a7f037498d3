// Exec and Attach (and PortForward) as the CRI asks for them: checked as kubelet's streaming server checks them
// (a container, one stream at least, no stderr beside a TTY) and against the container's state, then answered
// with a single-use URL of the streaming server (streaming/).
import { conflict, invalidArgument } from '../core/errdefs.js';
import type { PodContainers } from './pod-containers.js';
import type { CriStreams } from './streaming/cri-streams.js';
import type { AttachRequest, ExecRequest } from './proto.js';

function checkStreams(req: { tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): void {
  if (req.tty && req.stderr) throw invalidArgument('tty and stderr cannot both be true');
  if (!req.stdin && !req.stdout && !req.stderr) throw invalidArgument('one of stdin, stdout, or stderr must be set');
}

export function streamRequests(containers: PodContainers, streams: CriStreams) {
  const running = async (ref: string) => {
    const c = await containers.record(ref);
    if (c.state.status !== 'running') throw conflict(`container ${c.id} is not running`);
    return c;
  };
  return {
    async exec(req: ExecRequest): Promise<string> {
      if (req.cmd.length === 0) throw invalidArgument('cmd: must be set');
      checkStreams(req);
      const c = await running(req.containerId);
      const { tty, stdin, stdout, stderr, cmd } = req;
      return streams.url({ kind: 'exec', containerId: c.id, cmd, tty, stdin, stdout, stderr });
    },
    async attach(req: AttachRequest): Promise<string> {
      checkStreams(req);
      const c = await running(req.containerId);
      const { tty, stdin, stdout, stderr } = req;
      return streams.url({
        kind: 'attach',
        containerId: c.id,
        tty,
        stdin,
        stdout,
        stderr,
        stdinOnce: c.config.StdinOnce === true,
      });
    },
  };
}
