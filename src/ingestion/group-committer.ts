interface Waiting<T, R> {
  item: T;
  weight: number;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitterOptions<T> {
  /** Most items one commit takes. */
  maxBatch: number;
  /** Commits under way at once (each holds its own database connection). */
  maxConcurrent: number;
  /**
   * While a commit is under way, another starts only once this much (by `weight`) is waiting:
   * a commit costs the same dozen statements whatever its size, so a tiny one beside a running
   * one costs more than it saves.
   */
  overlapFrom?: number;
  weight?: (item: T) => number;
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
  private waitingWeight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly commit: (items: T[]) => Promise<R[]>,
    private readonly options: GroupCommitterOptions<T>,
  ) {}

  submit(item: T): Promise<R> {
    const weight = this.options.weight?.(item) ?? 1;
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, weight, resolve, reject });
      this.waitingWeight += weight;
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
    if (this.running > 0 && this.waitingWeight < (this.options.overlapFrom ?? 0)) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private async run(): Promise<void> {
    const batch = this.waiting.splice(0, this.options.maxBatch);
    if (!batch.length) return;
    for (const w of batch) this.waitingWeight -= w.weight;
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
