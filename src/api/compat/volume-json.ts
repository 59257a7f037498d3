// Volumes in Docker's shape (swagger v1.47 Volume): empty labels and options are null, Scope is "local".
import type { VolumeView } from '../../engine/volumes/volume-service.js';

export interface VolumeJson {
  CreatedAt: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: 'local';
  UsageData?: { RefCount: number; Size: number };
}

const orNull = (m: Record<string, string>): Record<string, string> | null => (Object.keys(m).length ? m : null);

export function toVolumeJson(v: VolumeView): VolumeJson {
  return {
    CreatedAt: v.record.created,
    Driver: v.record.driver,
    Labels: orNull(v.record.labels),
    Mountpoint: v.mountpoint,
    Name: v.record.name,
    Options: orNull(v.record.options),
    Scope: 'local',
    ...(v.usage ? { UsageData: { RefCount: v.usage.refCount, Size: v.usage.size } } : {}),
  };
}
