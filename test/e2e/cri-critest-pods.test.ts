// critest v1.26.1's pod specs ("PodSandbox", "Networking", "Multiple Containers", "Runtime info") on berthd and
// on containerd 1.6 side by side (test/helpers/critest-side-by-side.ts).
import { critestSideBySide } from '../helpers/critest-side-by-side.js';

critestSideBySide('pod', 'PodSandbox|Networking|Multiple Containers|Runtime info');
