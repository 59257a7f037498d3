// Engine API shapes the CLI reads (swagger v1.47), kept CLI-local until src/spec/docker/images.ts lands.

export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
  SharedSize: number;
  VirtualSize?: number;
  Labels: Record<string, string> | null;
  Containers: number;
}

export interface ImageHistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

export interface ImageDeleteItem {
  Untagged?: string;
  Deleted?: string;
}

export interface ImagePruneResponse {
  ImagesDeleted: ImageDeleteItem[] | null;
  SpaceReclaimed: number;
}

export interface ContainerSummaryDf {
  Id: string;
  Names: string[];
  Image: string;
  Command: string;
  Created: number;
  State: string;
  Status: string;
  SizeRw?: number;
  SizeRootFs?: number;
  Mounts?: { Name?: string; Type?: string }[];
}

export interface VolumeDf {
  Name: string;
  Mountpoint: string;
  UsageData?: { Size: number; RefCount: number } | null;
}

export interface BuildCacheDf {
  ID: string;
  Type: string;
  Size: number;
  CreatedAt: string;
  LastUsedAt: string | null;
  UsageCount: number;
  InUse: boolean;
  Shared: boolean;
  Description?: string;
}

export interface SystemDiskUsage {
  LayersSize?: number;
  Images: ImageSummary[] | null;
  Containers: ContainerSummaryDf[] | null;
  Volumes: VolumeDf[] | null;
  BuildCache: BuildCacheDf[] | null;
}
