// Output of stages that build in parallel, shown in stage order: the earliest unfinished stage streams live,
// later ones are held until every stage before them is done, so the log reads as a sequential build.
import type { BuildMessage } from './ports.js';

export class OrderedOutput {
  private readonly held: BuildMessage[][];
  private readonly done: boolean[];
  private current = 0;

  constructor(
    private readonly sink: (message: BuildMessage) => void,
    count: number,
  ) {
    this.held = Array.from({ length: count }, () => []);
    this.done = Array.from({ length: count }, () => false);
  }

  write(slot: number, message: BuildMessage): void {
    if (slot === this.current) this.sink(message);
    else (this.held[slot] as BuildMessage[]).push(message);
  }

  finish(slot: number): void {
    this.done[slot] = true;
    while (this.current < this.done.length && this.done[this.current]) {
      this.current++;
      const next = this.held[this.current];
      if (next) {
        for (const m of next) this.sink(m);
        next.length = 0;
      }
    }
  }
}
