// runtime.v1.RuntimeService: what berth answers today. Methods left out here answer UNIMPLEMENTED, naming
// themselves ("runtime.v1.RuntimeService.RunPodSandbox is not implemented"): Connect does that for any
// method a service implementation omits.
import type { ServiceImpl } from '@connectrpc/connect';
import type { CriDeps } from './cri-deps.js';
import type { RuntimeService } from './proto.js';

/** The version of the kubelet's runtime API that this server speaks (containerd and CRI-O answer the same). */
export const KUBELET_API_VERSION = '0.1.0';
export const RUNTIME_NAME = 'berth';
export const RUNTIME_API_VERSION = 'v1';

export function runtimeService(deps: CriDeps): Partial<ServiceImpl<typeof RuntimeService>> {
  return {
    version() {
      return {
        version: KUBELET_API_VERSION,
        runtimeName: RUNTIME_NAME,
        runtimeVersion: deps.runtimeVersion,
        runtimeApiVersion: RUNTIME_API_VERSION,
      };
    },

    status(req) {
      const info: Record<string, string> = req.verbose
        ? {
            config: JSON.stringify({
              runtimeName: RUNTIME_NAME,
              runtimeVersion: deps.runtimeVersion,
              imageFsMountpoint: deps.imageFsMountpoint,
              implemented: ['Version', 'Status', 'ImageService'],
            }),
          }
        : {};
      return {
        status: {
          conditions: [
            { type: 'RuntimeReady', status: true, reason: '', message: '' },
            // Honest until pod sandboxes and CNI networking exist: kubelet then schedules no pods here.
            {
              type: 'NetworkReady',
              status: false,
              reason: 'NetworkPluginNotReady',
              message: 'berth: pod networking (CNI) is not implemented yet',
            },
          ],
        },
        info,
      };
    },
  };
}
