// Types of api.js for its unit spec: the browser loads the plain JavaScript module as it is.
import type { FlagSummary } from './view.js';

export class ApiError extends Error {
  constructor(status: number, message: string);
  status: number;
}

export function callApi(
  key: string,
  path: string,
  options?: { method?: string; body?: unknown; signal?: AbortSignal },
): Promise<unknown>;

export function listOpenFlags(key: string): Promise<FlagSummary[]>;

export function followFlags(
  key: string,
  handlers: {
    signal: AbortSignal;
    onFlag(flag: FlagSummary): void;
    onConnect(): Promise<void>;
    onStatus(live: boolean): void;
    onUnauthorized(): void;
  },
): Promise<void>;
