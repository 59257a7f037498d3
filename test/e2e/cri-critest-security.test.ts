// critest v1.26.1's security context specs ("Security Context") on berthd and on containerd 1.6 side by side
// (test/helpers/critest-side-by-side.ts).
import { critestSideBySide } from '../helpers/critest-side-by-side.js';

critestSideBySide('security context', 'Security Context');
