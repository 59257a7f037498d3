// "Apply the latest state" work that many callers ask for at once, done as few times as correctness allows: a run
// reads the state when it starts, so every caller is answered by the first run that starts after its call. While
// one run is under way, any number of calls share a single next run (not one each); at most one runs at a time.
// Used for the daemon's iptables rule set, rebuilt from the store as a whole: ten containers starting together
// need one iptables-restore with all ten containers' ports, not ten in a row.

export class LatestRun {
  /** The run under way, if any. */
  private running: Promise<void> | undefined;
  /** The run that starts when the current one ends; callers arriving now share it. */
  private next: Promise<void> | undefined;

  constructor(private readonly work: () => Promise<void>) {}

  /** Settles when a run that started after this call has ended (rejects with that run's error). */
  run(): Promise<void> {
    if (this.next) return this.next;
    const after = this.running ?? Promise.resolve();
    const next: Promise<void> = after.then(
      () => this.start(next),
      () => this.start(next),
    );
    this.next = next;
    return next;
  }

  private async start(self: Promise<void>): Promise<void> {
    // From here on, new callers need a run that starts after this one (the state may change while it runs).
    this.next = undefined;
    this.running = self;
    try {
      await this.work();
    } finally {
      if (this.running === self) this.running = undefined;
    }
  }
}
