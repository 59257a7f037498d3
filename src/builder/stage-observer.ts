// Tells a StepObserver (BuildKit's progress) about one stage's steps: its FROM and its filesystem steps, which
// BuildKit shows as vertexes; metadata steps (ENV, CMD, LABEL...) are no vertex of their own. The classic
// builder's output of a step is read back as the step's log: " ---> Using cache" marks it cached, the other
// " ---> " lines are the classic stream's own bookkeeping.
import type { Instruction, Stage } from './dockerfile/instructions.js';
import type { StepHandle, StepObserver } from './ports.js';

const FS_STEPS = new Set<Instruction['kind']>(['run', 'copy', 'add', 'workdir']);
// Classic output wraps a RUN's stderr in red.
const STDERR = /^\u001b\[91m([\s\S]*)\u001b\[0m$/;

export interface ObservedStep {
  track<T>(work: () => Promise<T>): Promise<T>;
  say(classic: (text: string) => void): (text: string) => void;
}

const UNOBSERVED: ObservedStep = { track: (work) => work(), say: (classic) => classic };

export class StageObserver {
  private ordinal = 0;
  private readonly total: number;

  constructor(
    private readonly observer: StepObserver | undefined,
    private readonly stage: Stage,
    private readonly stageCount: number,
  ) {
    this.total = 1 + stage.instructions.filter((i) => FS_STEPS.has(i.kind)).length;
  }

  begin(text: string, image?: string): ObservedStep {
    if (!this.observer) return UNOBSERVED;
    const handle = this.observer.begin({
      stage: { index: this.stage.index, name: this.stage.name },
      stageCount: this.stageCount,
      ordinal: ++this.ordinal,
      total: this.total,
      text,
      image,
    });
    return observedStep(handle);
  }

  step(instr: Instruction): ObservedStep {
    return FS_STEPS.has(instr.kind) ? this.begin(instr.original) : UNOBSERVED;
  }
}

function observedStep(handle: StepHandle): ObservedStep {
  return {
    async track(work) {
      try {
        const result = await work();
        handle.end();
        return result;
      } catch (err) {
        handle.end(err as Error);
        throw err;
      }
    },
    say: (classic) => (text) => {
      classic(text);
      if (text === ' ---> Using cache\n') handle.cached();
      else if (text.startsWith(' ---> ')) return;
      else {
        const stderr = STDERR.exec(text);
        handle.log(stderr ? (stderr[1] as string) : text, stderr ? 'stderr' : 'stdout');
      }
    },
  };
}
