/** DockProof's REST API as an operator or a supplier's system calls it. */
export class Api {
  constructor(readonly baseUrl: string) {}

  /** POSTs `body`; 200 and 201 are success, 429 (rate limit) waits and tries again. */
  async post<T = unknown>(path: string, apiKey: string, body: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status === 429 && attempt < 20) {
        await res.arrayBuffer();
        await sleep(250);
        continue;
      }
      const text = await res.text();
      if (res.status !== 200 && res.status !== 201)
        throw new Error(`POST ${path}: ${res.status} ${text.slice(0, 500)}`);
      return JSON.parse(text) as T;
    }
  }

  async health(): Promise<HealthReport | null> {
    try {
      const res = await fetch(`${this.baseUrl}/health`);
      return res.ok ? ((await res.json()) as HealthReport) : null;
    } catch {
      return null;
    }
  }
}

export interface HealthReport {
  status: string;
  broker: { mode: string; port?: number; subscribers?: string };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function eachLimit<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
