import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface CappedBody {
  /** At most `keepBytes` of the body. */
  head: Buffer;
  totalBytes: number;
  /** Of the whole body: two bodies that differ only past `head` are two bodies. */
  sha256: Buffer;
}

/** Reads a request body to its end but keeps only its first bytes, so an oversized body can be kept as evidence. */
export function readCappedBody(req: IncomingMessage, keepBytes: number): Promise<CappedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let totalBytes = 0;
    const hash = createHash('sha256');
    req.on('data', (chunk: Buffer) => {
      totalBytes += chunk.length;
      hash.update(chunk);
      if (kept >= keepBytes) return;
      const part = chunk.subarray(0, keepBytes - kept);
      chunks.push(part);
      kept += part.length;
    });
    req.on('end', () =>
      resolve({ head: Buffer.concat(chunks), totalBytes, sha256: hash.digest() }),
    );
    req.on('error', reject);
  });
}
