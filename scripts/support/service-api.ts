import type { ReadinessReport } from '../../src/health/health-report';

/** DockProof's REST API as an operator, a supplier's system or a supervisor calls it. */
export class ServiceApi {
  /** `rateLimitRetries`: how many times a 429 waits and tries again before it counts as a failure. */
  constructor(
    readonly baseUrl: string,
    private readonly rateLimitRetries = 0,
  ) {}

  /** POSTs `body` with `apiKey`; anything but 200 or 201 throws with DockProof's answer. */
  post<T = unknown>(path: string, apiKey: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, apiKey, body);
  }

  get<T = unknown>(path: string, apiKey: string): Promise<T> {
    return this.call<T>('GET', path, apiKey);
  }

  /** `/health` (readiness) when DockProof answers 200, else null: not up, or not ready yet. */
  async health(): Promise<ReadinessReport | null> {
    try {
      const res = await fetch(`${this.baseUrl}/health`);
      return res.ok ? ((await res.json()) as ReadinessReport) : null;
    } catch {
      return null;
    }
  }

  private async call<T>(method: string, path: string, apiKey: string, body?: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (res.status === 429 && attempt < this.rateLimitRetries) {
        await res.arrayBuffer();
        await sleep(250);
        continue;
      }
      const text = await res.text();
      if (res.status !== 200 && res.status !== 201)
        throw new Error(`${method} /api/v1${path} answered ${res.status}: ${text.slice(0, 500)}`);
      return JSON.parse(text) as T;
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
