// Create: validate the request, merge it over the image config, prepare the rootfs snapshot and the container's
// files, then claim the name by inserting the record. Anything done before a failure is undone.
import { generateId } from '../../lib/ids.js';
import { nowRfc3339Nano } from '../../lib/time.js';
import { alreadyExists, invalidArgument, isKind, notFound } from '../../core/errdefs.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import { commandOf, mergeContainerConfig } from '../../core/containers/merge-config.js';
import { generateContainerName, normalizeContainerName } from '../../core/containers/names.js';
import { normalizeRestartPolicy } from '../../core/containers/restart-policy.js';
import { planMounts } from '../../core/containers/mount-specs.js';
import { hostsFile, resolvConf } from '../../core/containers/etc-files.js';
import type { ContainerStore } from '../../core/containers/container-store.js';
import type { Snapshotter } from '../../core/snapshots/snapshotter.js';
import type { ContainerCreateRequest, HostConfig } from '../../spec/docker/containers.js';
import { normalizeHealthConfig, validateHealthConfig } from '../../core/health/health-config.js';
import { planContainerVolumes, parseVolumesFrom } from '../../core/volumes/container-volumes.js';
import type { ContainerFiles, ContainerVolumes, CreateRecordPausePoint, ImageResolver } from './ports.js';
import { resolveContainer } from './resolve.js';
import type { ContainerNetworking } from '../../core/networks/container-networking.js';
import { checkLogDriver, DEFAULT_LOG_DRIVER } from '../../core/runtime/log-drivers.js';
import { checkLogOptions } from '../../core/runtime/log-policy.js';
import {
  checkHostConfig,
  DEFAULT_HOST_SUPPORT,
  namespaceDonors,
  withHostConfigDefaults,
  type HostConfigSupport,
} from '../../core/containers/host-config-check.js';
import { phase } from '../../lib/phases.js';

export interface CreateDeps {
  store: ContainerStore;
  images: ImageResolver;
  snapshots: Snapshotter;
  files: ContainerFiles;
  storageDriver: string;
  volumes?: ContainerVolumes;
  networks?: ContainerNetworking;
  /** What this host can honour (blkio weight, runtimes, cgroup version...); absent: a cautious default. */
  hostSupport?: HostConfigSupport;
  /** Test-only hold before the record is stored (daemon/test-pause-point.ts). */
  pausePoint?: (point: CreateRecordPausePoint) => Promise<void>;
}

/** Network modes without networking wired (unit tests): a private namespace (loopback only), none, host. */
function normalizeNetworkMode(mode: string | undefined): string {
  if (!mode || mode === 'default') return 'bridge';
  if (mode === 'bridge' || mode === 'none' || mode === 'host') return mode;
  throw notFound(`network ${mode} not found`);
}

function normalizeHostConfig(
  hc: HostConfig | undefined,
  networkMode: (hc: HostConfig) => string,
  support: HostConfigSupport,
): HostConfig {
  checkHostConfig(hc ?? {}, support);
  const hostConfig: HostConfig = withHostConfigDefaults(hc ?? {}, support);
  hostConfig.NetworkMode = networkMode(hostConfig);
  // No limit, or "unlimited" (0 or any negative), is recorded as none: inspect shows null, as dockerd's.
  if (typeof hostConfig.PidsLimit === 'number' && hostConfig.PidsLimit <= 0) hostConfig.PidsLimit = null;
  const policy = normalizeRestartPolicy(hostConfig.RestartPolicy, hostConfig.AutoRemove ?? false);
  hostConfig.RestartPolicy = { Name: policy.name, MaximumRetryCount: policy.maxRetries };
  hostConfig.LogConfig = {
    Type: hostConfig.LogConfig?.Type || DEFAULT_LOG_DRIVER,
    Config: hostConfig.LogConfig?.Config ?? {},
  };
  checkLogDriver(hostConfig.LogConfig.Type ?? '');
  if (hostConfig.LogConfig.Type !== 'none')
    checkLogOptions(hostConfig.LogConfig.Type ?? '', hostConfig.LogConfig.Config);
  return hostConfig;
}

/** k8s-file's `path` option: the log file where the caller wants it (the CRI's <log_directory>/<log_path>). */
function logPathOf(hostConfig: HostConfig): string | undefined {
  const path = hostConfig.LogConfig?.Config?.path;
  if (path === undefined) return undefined;
  if (hostConfig.LogConfig?.Type !== 'k8s-file')
    throw invalidArgument(`unknown log opt 'path' for ${hostConfig.LogConfig?.Type ?? ''} log driver`);
  if (!path.startsWith('/')) throw invalidArgument(`log opt path: ${path} is not an absolute path`);
  return path;
}

/** --volumes-from's source; Docker answers 400 (not 404) for a missing one, so the client does not try a pull. */
function mountsOf(store: ContainerStore, ref: string): ContainerRecord['mounts'] {
  try {
    return resolveContainer(store, ref).mounts;
  } catch (err) {
    throw isKind(err, 'NotFound') ? invalidArgument((err as Error).message, err) : err;
  }
}

/** Generated names of creates still in progress: the store learns a name only at the end, so concurrent creates
 * without a name would otherwise draw the same one. */
const generatedNamesInFlight = new Set<string>();

/** How a create names its container: the name asked for, or one drawn for it (held in flight until stored). */
interface Naming {
  name: string;
  /** A new name after the drawn one was taken meanwhile (a named create or a rename got it first). */
  redraw?: () => string;
}

export async function createContainer(
  deps: CreateDeps,
  request: ContainerCreateRequest,
  requestedName: string | undefined,
): Promise<ContainerRecord> {
  if (!request.Image) throw invalidArgument('Config.Image: must be set');
  const id = generateId();
  // The image's reference (taken when it is resolved) goes once the record is stored, or with the failed create.
  try {
    return await createWithId(deps, request, requestedName, id);
  } finally {
    deps.images.releaseCreate?.(id);
  }
}

async function createWithId(
  deps: CreateDeps,
  request: ContainerCreateRequest,
  requestedName: string | undefined,
  id: string,
): Promise<ContainerRecord> {
  if (requestedName) return createNamed(deps, request, id, { name: normalizeContainerName(requestedName) });
  const taken = (n: string): boolean => generatedNamesInFlight.has(n) || deps.store.findByName(n) !== undefined;
  const naming: Naming = { name: generateContainerName(taken, id) };
  generatedNamesInFlight.add(naming.name);
  naming.redraw = () => {
    generatedNamesInFlight.delete(naming.name);
    naming.name = generateContainerName(taken, id);
    generatedNamesInFlight.add(naming.name);
    return naming.name;
  };
  try {
    return await createNamed(deps, request, id, naming);
  } finally {
    generatedNamesInFlight.delete(naming.name);
  }
}

/** Stores the record; a drawn name that was taken meanwhile is drawn again, so a create without a name never
 * fails with a name conflict (Docker's reservation is atomic; here the UNIQUE constraint decides at insert). */
function insertRecord(store: ContainerStore, record: ContainerRecord, naming: Naming): void {
  for (;;) {
    try {
      store.insert(record);
      return;
    } catch (err) {
      // Only a name taken by another container is redrawn (an id clash or any other error is not).
      const holder = isKind(err, 'AlreadyExists') ? store.findByName(record.name) : undefined;
      if (!naming.redraw || !holder || holder.id === record.id) throw err;
      record.name = naming.redraw();
    }
  }
}

async function createNamed(
  deps: CreateDeps,
  request: ContainerCreateRequest,
  id: string,
  naming: Naming,
): Promise<ContainerRecord> {
  const name = naming.name;
  const { HostConfig: rawHostConfig, NetworkingConfig: networking, ...userConfig } = request;
  if (!userConfig.Image) throw invalidArgument('Config.Image: must be set');
  const holder = deps.store.findByName(name);
  if (holder) {
    throw alreadyExists(
      `Conflict. The container name "/${name}" is already in use by container "${holder.id}". You have to remove (or rename) that container to be able to reuse that name.`,
    );
  }
  const endpoints = networking?.EndpointsConfig;
  const hostConfig = normalizeHostConfig(
    rawHostConfig,
    (hc) => (deps.networks ? deps.networks.checkCreate(hc, endpoints) : normalizeNetworkMode(hc.NetworkMode)),
    deps.hostSupport ?? DEFAULT_HOST_SUPPORT,
  );
  // As Docker: a namespace donor that does not exist is a 400 at create (not a 404 the client would answer with a pull).
  for (const donor of namespaceDonors(hostConfig)) mountsOf(deps.store, donor.ref);
  if (hostConfig.UTSMode === 'host' && userConfig.Hostname)
    throw invalidArgument('Conflicting options: hostname and the UTS mode');
  const extraHosts = deps.networks
    ? deps.networks.resolveExtraHosts(hostConfig.ExtraHosts ?? [])
    : (hostConfig.ExtraHosts ?? []);
  const mounts = planMounts(hostConfig);
  for (const m of mounts) {
    if (m.type === 'bind' && !m.createSource && !(await deps.files.bindSourceExists(m.source))) {
      throw invalidArgument(`invalid mount config for type "bind": bind source path does not exist: ${m.source}`);
    }
  }
  const image = await deps.images.resolve(userConfig.Image, id);
  phase('image');
  const config = mergeContainerConfig(userConfig, image.config);
  validateHealthConfig(config.Healthcheck);
  config.Healthcheck = normalizeHealthConfig(config.Healthcheck);
  if (!config.Healthcheck) delete config.Healthcheck;
  const { path, args } = commandOf(config);

  config.Hostname =
    config.Hostname || (hostConfig.NetworkMode === 'host' || hostConfig.UTSMode === 'host' ? '' : id.slice(0, 12));
  config.Image = userConfig.Image;

  const volumesFrom = (hostConfig.VolumesFrom ?? []).map((spec) => ({
    spec,
    mounts: mountsOf(deps.store, parseVolumesFrom(spec).container),
  }));
  const volumePlan = deps.volumes
    ? planContainerVolumes({
        planned: mounts,
        configVolumes: Object.keys(config.Volumes ?? {}),
        volumesFrom,
        newName: generateId,
        dataPath: (n) => deps.volumes?.dataPath(n) ?? '',
      })
    : { points: mounts.map((m) => m.point), needs: [] };

  const undo: (() => Promise<unknown>)[] = [];
  try {
    if (deps.volumes && volumePlan.needs.length) {
      // A kill -9 before the record is stored must not leave these behind (volume-service.ts guardCreate).
      deps.volumes.guardCreate(
        id,
        volumePlan.needs.filter((n) => n.anonymous).map((n) => n.name),
      );
      const made = await deps.volumes.ensure(id, volumePlan.needs);
      undo.push(async () => {
        deps.volumes?.releaseCreate(id);
        await deps.volumes?.drop(made);
      });
      phase('volumes');
    }
    // The layer (its table write ends in an fsync) and the /etc files are independent: made side by side, both
    // settled before a failure of either undoes both. An AutoRemove container's layer is recorded write-behind: its
    // fsync goes on while the client attaches and asks for the start (which waits for it before mounting); a crash
    // before it lands loses the layer, and the daemon's next start removes the container (not running, AutoRemove).
    undo.push(() => deps.snapshots.remove(id));
    undo.push(() => deps.files.remove(id));
    const [layer, prepared] = await Promise.allSettled([
      deps.snapshots.prepare(id, image.topChainId, { writeBehind: hostConfig.AutoRemove === true }),
      (async () => {
        for (const m of mounts) if (m.type === 'bind' && m.createSource) await deps.files.ensureBindSource(m.source);
        const hostResolv = await deps.files.hostResolvConf();
        return deps.files.prepare(id, {
          hostname: `${config.Hostname || 'localhost'}\n`,
          hosts: hostsFile({ hostname: config.Hostname || 'localhost', domainname: config.Domainname, extraHosts }),
          resolvConf: resolvConf({
            hostResolvConf: hostResolv,
            dns: hostConfig.Dns ?? [],
            dnsSearch: hostConfig.DnsSearch ?? [],
            dnsOptions: hostConfig.DnsOptions ?? [],
            dropLoopback: hostConfig.NetworkMode !== 'host',
          }),
        });
      })(),
    ]);
    if (layer.status === 'rejected') throw layer.reason;
    if (prepared.status === 'rejected') throw prepared.reason;
    const paths = prepared.value;
    phase('snapshot-etc-files');
    await deps.pausePoint?.('create-before-record');
    const record: ContainerRecord = {
      id,
      name,
      created: nowRfc3339Nano(),
      image: userConfig.Image,
      imageId: image.id,
      config,
      hostConfig,
      path,
      args,
      state: { status: 'created', pid: 0, exitCode: 0, error: '', startedAt: '', finishedAt: '', oomKilled: false },
      restartCount: 0,
      manuallyStopped: false,
      snapshotKey: id,
      storageDriver: deps.storageDriver,
      logPath: logPathOf(hostConfig) ?? paths.logPath,
      hostsPath: paths.hostsPath,
      hostnamePath: paths.hostnamePath,
      resolvConfPath: paths.resolvConfPath,
      mounts: volumePlan.points,
    };
    insertRecord(deps.store, record, naming);
    // The record's mounts keep its volumes in use from here: ensure()'s references are no longer needed.
    deps.volumes?.releaseCreate(id);
    phase('store');
    undo.push(async () => deps.store.delete(id));
    deps.networks?.recordCreate(record, endpoints);
    return record;
  } catch (err) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw isKind(err, 'NotFound') && String((err as Error).message).startsWith('snapshot')
      ? notFound(`No such image: ${userConfig.Image}`, err)
      : err;
  }
}
