// critest v1.26.1's "Security Context" specs on berthd and on containerd 1.6 side by side, with a pair of daemons
// of this file's own (test/helpers/critest-pair.ts, critest-side-by-side.ts); the other specs run in
// cri-critest.test.ts.
import { before, after } from 'node:test';
import { startCritestPair, type CritestPair } from '../helpers/critest-pair.js';
import { critestSideBySide, critestSkip } from '../helpers/critest-side-by-side.js';

let pair: CritestPair | undefined;
before(async () => {
  if (!critestSkip) pair = await startCritestPair({ imageStandIns: false });
});
after(async () => {
  await pair?.cleanup();
});

critestSideBySide('Security Context', () => pair!, 'Security Context');
