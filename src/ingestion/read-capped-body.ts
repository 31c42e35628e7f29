import type { IncomingMessage } from 'node:http';

export interface CappedBody {
  /** At most `keepBytes` of the body. */
  head: Buffer;
  totalBytes: number;
}

/** Reads a request body to its end but keeps only its first bytes, so an oversized body can be kept as evidence. */
export function readCappedBody(req: IncomingMessage, keepBytes: number): Promise<CappedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let totalBytes = 0;
    req.on('data', (chunk: Buffer) => {
      totalBytes += chunk.length;
      if (kept >= keepBytes) return;
      const part = chunk.subarray(0, keepBytes - kept);
      chunks.push(part);
      kept += part.length;
    });
    req.on('end', () => resolve({ head: Buffer.concat(chunks), totalBytes }));
    req.on('error', reject);
  });
}
