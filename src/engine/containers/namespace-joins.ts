// PidMode, IpcMode and UTSMode "container:<ref>": the donor must be running; its namespaces are joined through
// /proc/<pid>/ns/<type>, and for IPC its /dev/shm is bound in as well (the runtime keeps a shareable container's
// /dev/shm on the host side for that, as Docker does).
import { conflict, invalidArgument, isKind } from '../../core/errdefs.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { ContainerStore } from '../../core/containers/container-store.js';
import { namespaceDonors } from '../../core/containers/host-config-check.js';
import { resolveContainer } from './resolve.js';

export interface NamespaceJoins {
  namespacePaths?: { pid?: string; ipc?: string; uts?: string };
  ipcDonor?: string;
}

const KIND: Record<string, 'pid' | 'ipc' | 'uts'> = { PidMode: 'pid', IpcMode: 'ipc', UTSMode: 'uts' };
const LABEL: Record<string, string> = { PidMode: 'PID', IpcMode: 'IPC', UTSMode: 'UTS' };

export function namespaceJoins(store: ContainerStore, c: ContainerRecord): NamespaceJoins {
  const donors = namespaceDonors(c.hostConfig);
  if (donors.length === 0) return {};
  const paths: NonNullable<NamespaceJoins['namespacePaths']> = {};
  let ipcDonor: string | undefined;
  for (const { field, ref } of donors) {
    let donor: ContainerRecord;
    try {
      donor = resolveContainer(store, ref);
    } catch (err) {
      throw isKind(err, 'NotFound') ? invalidArgument(`${field}: ${(err as Error).message}`, err) : err;
    }
    if (donor.id === c.id) throw invalidArgument(`${field}: cannot join own ${LABEL[field]} namespace`);
    if (donor.state.status !== 'running' || donor.state.pid <= 0)
      throw conflict(`cannot join ${LABEL[field]} of a non running container: ${donor.id}`);
    if (field === 'IpcMode' && donor.hostConfig.IpcMode !== 'shareable')
      throw conflict('non-shareable IPC (hint: use IpcMode:shareable for the donor container)');
    const kind = KIND[field] as 'pid' | 'ipc' | 'uts';
    paths[kind] = `/proc/${donor.state.pid}/ns/${kind}`;
    if (kind === 'ipc') ipcDonor = donor.id;
  }
  return { namespacePaths: paths, ...(ipcDonor ? { ipcDonor } : {}) };
}
