/**
 * Periodic jobs (stale-agent check, retention). A job never overlaps itself, a failure is reported and the next
 * tick runs as usual, and stop() waits for a running tick so shutdown does not close the database under it.
 */
export interface Job {
  name: string;
  intervalMs: number;
  run(): Promise<unknown>;
}

export class JobScheduler {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly jobs: readonly Job[],
    private readonly onError: (job: string, err: unknown) => void,
  ) {}

  start(): void {
    for (const job of this.jobs) {
      const timer = setInterval(() => void this.tick(job), job.intervalMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** Runs one job now (unless it is already running), e.g. from a test or an admin call. */
  tick(job: Job): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const current = this.running.get(job.name);
    if (current) return current;
    const p = job
      .run()
      .then(
        () => undefined,
        (err) => this.onError(job.name, err),
      )
      .finally(() => this.running.delete(job.name));
    this.running.set(job.name, p);
    return p;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.allSettled([...this.running.values()]);
  }
}
