// Persistence of volume records. insert() claims the name atomically (of concurrent creates one wins);
// delete() is idempotent. Beside them, container removals' intents for their anonymous volumes
// (removal-intents.ts): written when a removal begins, forgotten once its volumes are gone or kept.
import type { VolumeRecord } from './volume-record.js';
import type { RemovalIntent } from './removal-intents.js';

export interface VolumeStore {
  /** AlreadyExists when the name is taken. */
  insert(record: VolumeRecord): void;
  get(name: string): VolumeRecord | undefined;
  list(): VolumeRecord[];
  delete(name: string): void;
  /** Replaces the container's intent, in one transaction (empty: it has none). */
  setRemovalIntent(container: string, volumes: string[]): void;
  /** One container's intents, or (no argument) every one. */
  removalIntents(container?: string): RemovalIntent[];
  /** Forgets the intents naming this container, or this volume. */
  forgetRemovalIntents(of: { container: string } | { volume: string }): void;
}
