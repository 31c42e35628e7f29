import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { sha256Hex } from './api-key-secret';

/** Rate limits count per API key (by its hash, whether or not it is valid), else per address. */
@Injectable()
export class ApiKeyThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const headers = req.headers as Record<string, string | undefined>;
    const key = /^Bearer (\S+)$/i.exec(headers.authorization ?? '')?.[1];
    return Promise.resolve(key ? `key:${sha256Hex(key)}` : `ip:${String(req.ip)}`);
  }
}
