/** Background work after uploads (thumbnail generation), like Immich's job queue; `idle()` waits for it. */
export class JobQueue {
  private readonly pending = new Set<Promise<void>>();

  /** Runs `job` after `delayMs`; errors are kept out of the request path (a failed job = no thumbnail). */
  run(job: () => Promise<void>, delayMs = 0): void {
    const promise = new Promise<void>((resolve) => setTimeout(resolve, delayMs))
      .then(job)
      .catch(() => undefined)
      .finally(() => this.pending.delete(promise));
    this.pending.add(promise);
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
