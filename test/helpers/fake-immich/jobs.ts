/**
 * Background work after uploads (thumbnail generation), like Immich's job queue. `idle()` waits for it.
 * In manual mode jobs only start when `idle()` is called, which makes "thumbnail not generated yet"
 * (404) deterministic in tests.
 */
export class JobQueue {
  private readonly pending = new Set<Promise<void>>();
  private held: (() => Promise<void>)[] = [];

  constructor(private readonly mode: () => number | 'manual') {}

  /** Queues `job`; errors stay out of the request path (a failed job = no thumbnail, as in Immich). */
  run(job: () => Promise<void>): void {
    const mode = this.mode();
    if (mode === 'manual') {
      this.held.push(job);
      return;
    }
    this.start(job, mode);
  }

  private start(job: () => Promise<void>, delayMs: number): void {
    const promise = new Promise<void>((resolve) => setTimeout(resolve, delayMs))
      .then(job)
      .catch(() => undefined)
      .finally(() => this.pending.delete(promise));
    this.pending.add(promise);
  }

  /** Starts held jobs (manual mode) and waits until nothing is pending. */
  async idle(): Promise<void> {
    const held = this.held;
    this.held = [];
    for (const job of held) this.start(job, 0);
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
