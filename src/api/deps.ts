// What the API layer is given by the daemon: one engine service per domain.
// Each domain adds its service here and its routes in routes/index.ts.
import type { SystemService } from '../engine/system/system-service.js';

export interface ApiDeps {
  system: SystemService;
}
