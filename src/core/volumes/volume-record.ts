// What berth keeps about a volume. Lifecycle: created by `volume create` or on first use by a container
// (named: `-v name:/path`; anonymous: `-v /path`, `--mount type=volume` without a source, the image's VOLUMEs),
// removed by `volume rm`/prune or, anonymous ones, with their container (`rm -v`, `--rm`). A volume is in use
// while any container (running or not) names it in its mounts.

export interface VolumeRecord {
  name: string;
  /** Only the built-in "local" driver exists. */
  driver: string;
  labels: Record<string, string>;
  /** Driver options (local: type, o, device), as given. */
  options: Record<string, string>;
  /** RFC 3339 with seconds, as Docker's CreatedAt. */
  created: string;
  /** Made for one container without a name; `volume prune` takes only these unless all=true. */
  anonymous: boolean;
}

/** The label Docker (API >= 1.42) puts on anonymous volumes, so prune can tell them apart. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

export const DEFAULT_VOLUME_DRIVER = 'local';
