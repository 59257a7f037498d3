// What the CRI server is given by the daemon: engine use cases (never api/), pod networking (a core interface
// the daemon fills with CNI), and a few facts about the node.
import type { Logger } from '../lib/logger.js';
import type { ImageService } from '../engine/images/image-service.js';
import type { RegistryImages } from '../engine/images/registry-images.js';
import type { ContainerService } from '../engine/containers/container-service.js';
import type { ExecService } from '../engine/exec/exec-service.js';
import type { ContainerExtras } from '../engine/containers/container-extras.js';
import type { PodNetwork } from '../core/networks/pod-network.js';
import type { LoopbackDialer } from '../core/networks/loopback-dialer.js';

export interface CriDeps {
  images: ImageService;
  /** Pulls through berth's registry client (the Engine API's pull use case). */
  registry: RegistryImages;
  /** Pods' infra containers and their containers are berth containers. */
  containers: ContainerService;
  execs: ExecService;
  /** Stats and resource updates: the same use cases as `docker stats` and `docker update`. */
  extras: ContainerExtras;
  /** Pod networks (CNI). */
  podNetwork: PodNetwork;
  /** PortForward's connections to a pod's port, inside its network namespace. */
  loopbackDialer: LoopbackDialer;
  /** The CNI directories in use, shown by a verbose Status. */
  cni: { confDir: string; binDirs: string[] };
  /** Where each pod's addresses are kept (<data-root>/cri/pods). */
  podStateDir: string;
  /** catatonit, berth's pause binary (pause-image.ts). */
  catatonitPath: string;
  /** Where the streaming server for Exec, Attach and PortForward listens (127.0.0.1, port 0: any free one). */
  streamServer: { address: string; port: number };
  /** berth's version, answered as the runtime's version. */
  runtimeVersion: string;
  /** Where image layers live: ImageFsInfo's mount point (the snapshotter's root, as containerd answers). */
  imageFsMountpoint: string;
  logger: Logger;
  /** Told of every CRI call served (the daemon's idle memory trim counts them, as it counts API requests). */
  onCall?: () => void;
}
