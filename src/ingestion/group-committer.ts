interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitterOptions {
  /** Most items one commit takes. */
  maxBatch: number;
  /** Commits under way at once (each holds its own database connection). */
  maxConcurrent: number;
}

/**
 * Gathers items submitted from many connections into shared commits. A commit starts on the next
 * turn of the event loop — never on a timer, which would be dead time for every waiting
 * connection — so whatever arrived meanwhile goes in together.
 */
export class GroupCommitter<T, R> {
  private readonly waiting: Array<Waiting<T, R>> = [];
  private running = 0;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly commit: (items: T[]) => Promise<R[]>,
    private readonly options: GroupCommitterOptions,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  get depth(): number {
    return this.waiting.length + this.running;
  }

  /** Resolves when nothing is waiting or being committed. */
  drain(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.options.maxConcurrent || !this.waiting.length)
      return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private async run(): Promise<void> {
    const batch = this.waiting.splice(0, this.options.maxBatch);
    if (!batch.length) return;
    this.running++;
    this.schedule();
    try {
      const results = await this.commit(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i]));
    } catch (error) {
      batch.forEach((w) => w.reject(error));
    } finally {
      this.running--;
      this.schedule();
      if (this.depth === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }
}
