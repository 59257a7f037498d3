// Images in Docker's shapes: summary (GET /images/json), inspect, history; fields that older API versions have
// and newer ones dropped are added by the request's version, as dockerd's image router does (VirtualSize below
// 1.44, Container and ContainerConfig below 1.45).
import type { ImageView } from '../../engine/images/image-service.js';
import { familiarOf } from '../../core/images/reference.js';
import type { HistoryEntry } from '../../spec/oci/image.js';
import type { ImageHistoryItem, ImageInspect, ImageInspectConfig, ImageSummary } from '../../spec/docker/images.js';
import { compareApiVersions } from '../server/api-version.js';
import { zeroContainerConfig } from './config-zero-values.js';

const seconds = (rfc3339: string): number => Math.floor(Date.parse(rfc3339) / 1000) || 0;

const repoDigests = (view: ImageView): string[] => view.names.filter((n) => n.includes('@')).map(familiarOf);
const repoTags = (view: ImageView): string[] =>
  view.names
    .filter((n) => !n.includes('@'))
    .map(familiarOf)
    .sort();

const below = (apiVersion: string, version: string): boolean => compareApiVersions(apiVersion, version) < 0;

export function toImageSummary(view: ImageView, apiVersion: string, containers = -1): ImageSummary {
  const summary: ImageSummary = {
    Containers: containers,
    Created: seconds(view.record.created),
    Id: view.record.id,
    Labels: view.config.config?.Labels ?? null,
    ParentId: view.record.parent ?? '',
    RepoDigests: repoDigests(view),
    RepoTags: repoTags(view),
    SharedSize: -1,
    Size: view.record.size,
  };
  if (below(apiVersion, '1.44')) summary.VirtualSize = summary.Size;
  return summary;
}

export function toImageInspect(view: ImageView, storageDriver: string, apiVersion: string): ImageInspect {
  const c = view.config.config ?? {};
  const legacy = below(apiVersion, '1.45')
    ? {
        Container: view.config.container ?? '',
        ContainerConfig: (view.config.container_config as ImageInspectConfig | undefined) ?? zeroContainerConfig(),
      }
    : {};
  return {
    Id: view.record.id,
    RepoTags: repoTags(view),
    RepoDigests: repoDigests(view),
    Parent: view.record.parent ?? '',
    Comment: view.config.history?.[view.config.history.length - 1]?.comment ?? '',
    Created: view.config.created ?? view.record.created,
    ...legacy,
    DockerVersion: '',
    Author: view.config.author ?? '',
    Config: {
      Hostname: '',
      Domainname: '',
      User: c.User ?? '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ExposedPorts: c.ExposedPorts,
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: c.Env ?? null,
      Cmd: c.Cmd ?? null,
      Healthcheck: c.Healthcheck,
      ArgsEscaped: c.ArgsEscaped,
      Image: '',
      Volumes: c.Volumes ?? null,
      WorkingDir: c.WorkingDir ?? '',
      Entrypoint: c.Entrypoint ?? null,
      OnBuild: c.OnBuild ?? null,
      Labels: c.Labels ?? null,
      StopSignal: c.StopSignal,
      Shell: c.Shell,
    },
    Architecture: view.config.architecture,
    Variant: view.config.variant,
    Os: view.config.os,
    Size: view.record.size,
    ...(below(apiVersion, '1.44') ? { VirtualSize: view.record.size } : {}),
    GraphDriver: { Name: storageDriver, Data: null },
    RootFS: { Type: 'layers', Layers: view.record.layers.map((l) => l.diffId) },
    Metadata: { LastTagTime: view.record.lastTagTime || '0001-01-01T00:00:00Z' },
  };
}

/** Newest first; the top entry carries the image ID and tags, the next ones those of its parent, grandparent...
 * while there are local ones (`ancestors`, nearest first), the others "<missing>", as Docker shows. */
export function toImageHistory(view: ImageView, ancestors: { id: string; names: string[] }[] = []): ImageHistoryItem[] {
  const history: HistoryEntry[] =
    view.config.history ?? view.record.layers.map(() => ({ created: view.record.created, created_by: '' }));
  let layer = 0;
  const rows = history.map((h): ImageHistoryItem => {
    const size = h.empty_layer ? 0 : (view.record.layers[layer++]?.unpackedSize ?? 0);
    return {
      Id: '<missing>',
      Created: seconds(h.created ?? view.record.created),
      CreatedBy: h.created_by ?? '',
      Tags: null,
      Size: size,
      Comment: h.comment ?? '',
    };
  });
  rows.reverse();
  const owners = [{ id: view.record.id, names: view.names }, ...ancestors];
  owners.forEach((owner, i) => {
    const row = rows[i];
    if (!row) return;
    const tags = repoTags({ ...view, names: owner.names });
    row.Id = owner.id;
    row.Tags = tags.length > 0 ? tags : null;
  });
  return rows;
}
