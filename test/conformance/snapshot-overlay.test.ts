import { OverlaySnapshotter } from '../../src/drivers/snapshot-overlay/index.js';
import { silentLogger } from '../../src/lib/logger.js';
import { isRoot } from '../helpers/daemon.js';
import { snapshotterSuite } from './snapshotter-suite.js';

snapshotterSuite('overlay', (root) => new OverlaySnapshotter({ root }, silentLogger()), !isRoot() && 'needs root');
