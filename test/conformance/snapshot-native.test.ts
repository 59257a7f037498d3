import { NativeSnapshotter } from '../../src/drivers/snapshot-native/index.js';
import { silentLogger } from '../../src/lib/logger.js';
import { isRoot } from '../helpers/daemon.js';
import { snapshotterSuite } from './snapshotter-suite.js';

snapshotterSuite('native', (root) => new NativeSnapshotter({ root }, silentLogger()), !isRoot() && 'needs root');
