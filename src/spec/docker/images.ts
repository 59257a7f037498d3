// Docker Engine API v1.47 image shapes: list summary, inspect, history, delete and prune responses, and the
// images part of /system/df. Wire types only; field names and nullability as Docker's swagger gives them.

export interface ImageSummary {
  Containers: number;
  /** Seconds since the epoch (an integer, unlike inspect's RFC 3339 string). */
  Created: number;
  Id: string;
  Labels: Record<string, string> | null;
  ParentId: string;
  RepoDigests: string[];
  RepoTags: string[];
  SharedSize: number;
  Size: number;
  /** API < 1.44 only: Size again. */
  VirtualSize?: number;
}

export interface ImageInspectConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, object>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[] | null;
  Cmd: string[] | null;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
  ArgsEscaped?: boolean;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  OnBuild: string[] | null;
  Labels: Record<string, string> | null;
  StopSignal?: string;
  Shell?: string[];
}

export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  /** API < 1.45 only: the committed container's id ('' for other images). */
  Container?: string;
  /** API < 1.45 only: the committed container's config (Docker's zero config for other images). */
  ContainerConfig?: ImageInspectConfig;
  DockerVersion: string;
  Author: string;
  Config: ImageInspectConfig;
  Architecture: string;
  Variant?: string;
  Os: string;
  Size: number;
  /** API < 1.44 only: Size again. */
  VirtualSize?: number;
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  RootFS: { Type: 'layers'; Layers: string[] };
  Metadata: { LastTagTime: string };
}

export interface ImageHistoryItem {
  /** The image ID on the newest row, `<missing>` on the others. */
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

export type ImageDeleteItem = { Untagged: string } | { Deleted: string };

export interface ImagePruneReport {
  ImagesDeleted: ImageDeleteItem[] | null;
  SpaceReclaimed: number;
}

/** The images part of GET /system/df. */
export interface ImagesDiskUsage {
  LayersSize: number;
  Images: ImageSummary[];
}
