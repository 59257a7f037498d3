// Connections to a port on the loopback interface of a network namespace: the CRI's PortForward reaches a pod's
// port as kubelet's runtimes do, inside the pod's own namespace (so nothing leaves the host and the pod needs
// no published port). The daemon injects an implementation (drivers/cni/netns-dialer.ts); the CRI never sees how.
import type { Duplex } from 'node:stream';

export interface LoopbackDialer {
  /**
   * A connected socket to 127.0.0.1:`port` in the namespace at `netnsPath` (/proc/<pid>/ns/net), or in the
   * daemon's own namespace when undefined (a host-network pod). Rejects with the connect error's words.
   */
  dial(netnsPath: string | undefined, port: number): Promise<Duplex>;
}
