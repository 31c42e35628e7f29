import { ServiceApi } from '../scripts/support/service-api';

/** DockProof's API as the bench calls it: registry loads outrun the rate limit; a 429 is retried. */
export function benchApi(baseUrl: string): ServiceApi {
  return new ServiceApi(baseUrl, 20);
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
