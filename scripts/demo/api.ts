/** DockProof's REST API, called as an operator, a supplier's system or a supervisor would. */
export class DemoApi {
  constructor(readonly baseUrl: string) {}

  /** POSTs `body` with `apiKey`; anything but 200 or 201 stops the demo with DockProof's answer. */
  async post<T>(path: string, apiKey: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, apiKey, body);
  }

  async get<T>(path: string, apiKey: string): Promise<T> {
    return this.call<T>('GET', path, apiKey);
  }

  async health(): Promise<HealthReport | null> {
    try {
      const res = await fetch(`${this.baseUrl}/health`);
      return res.ok ? ((await res.json()) as HealthReport) : null;
    } catch {
      return null;
    }
  }

  private async call<T>(method: string, path: string, apiKey: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 200 && res.status !== 201)
      throw new Error(`${method} /api/v1${path} answered ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }
}

export interface HealthReport {
  status: string;
  broker: { mode: string; port?: number };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
