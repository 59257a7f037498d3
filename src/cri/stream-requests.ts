// Exec, Attach and PortForward as the CRI asks for them: checked as kubelet's streaming server checks them (a
// container, one stream at least, no stderr beside a TTY) and against the container's or pod's state, then
// answered with a single-use URL of the streaming server (streaming/).
import { conflict, invalidArgument } from '../core/errdefs.js';
import type { LoopbackDialer } from '../core/networks/loopback-dialer.js';
import type { PodContainers } from './pod-containers.js';
import type { PodSandboxes } from './pod-sandboxes.js';
import type { CriStreams } from './streaming/cri-streams.js';
import type { AttachRequest, ExecRequest, PortForwardRequest } from './proto.js';

function checkStreams(req: { tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): void {
  if (req.tty && req.stderr) throw invalidArgument('tty and stderr cannot both be true');
  if (!req.stdin && !req.stdout && !req.stderr) throw invalidArgument('one of stdin, stdout, or stderr must be set');
}

export function streamRequests(
  containers: PodContainers,
  sandboxes: PodSandboxes,
  dialer: LoopbackDialer,
  streams: CriStreams,
) {
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
    /** Ports come with each forwarded connection, not with the request (kubelet ignores its `port`). */
    async portForward(req: PortForwardRequest): Promise<string> {
      await sandboxes.netns(req.podSandboxId);
      const { id } = await sandboxes.record(req.podSandboxId);
      return streams.url({
        kind: 'portforward',
        podSandboxId: id,
        // The namespace is looked up at each connection: the pod's infra process could have changed since.
        dial: async (port) => dialer.dial(await sandboxes.netns(id), port),
      });
    },
  };
}
