/* global fetch, setTimeout, clearTimeout, TextDecoderStream, AbortController, URLSearchParams */
// The console's only way to the API: every call carries the supervisor's key as a Bearer token.
import { parseEventStream } from './event-stream.js';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function callApi(key, path, { method = 'GET', body, signal } = {}) {
  const headers = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const payload = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, payload?.message ?? `the API answered ${res.status}`);
  return payload;
}

/** Every open flag of the key's sites, following the cursor to the end. */
export async function listOpenFlags(key) {
  const flags = [];
  let after = null;
  do {
    const query = new URLSearchParams({ status: 'open', limit: '100' });
    if (after) query.set('after', after);
    const page = await callApi(key, `/flags?${query}`);
    flags.push(...page.items);
    after = page.nextCursor;
  } while (after);
  return flags;
}

// The server sends keep-alive comments; this long without a byte means the connection is dead
// even if TCP has not noticed (a tablet roaming between access points).
const SILENCE_MS = 60_000;
const MAX_RETRY_MS = 30_000;

/**
 * Follows the flag stream until `signal` aborts, reconnecting with back-off. `onConnect` runs on
 * each (re)connection before events are read, to catch up on what was missed while away.
 */
export async function followFlags(key, { signal, onFlag, onConnect, onStatus, onUnauthorized }) {
  let retry = 1_000;
  while (!signal.aborted) {
    try {
      await readStream(
        key,
        signal,
        async () => {
          retry = 1_000;
          onStatus(true);
          await onConnect();
        },
        onFlag,
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return onUnauthorized();
    }
    if (signal.aborted) return;
    onStatus(false);
    await sleep(retry, signal);
    retry = Math.min(retry * 2, MAX_RETRY_MS);
  }
}

async function readStream(key, signal, connected, onFlag) {
  const connection = new AbortController();
  const stop = () => connection.abort();
  signal.addEventListener('abort', stop, { once: true });
  let watchdog = setTimeout(stop, SILENCE_MS);
  try {
    const res = await fetch('/api/v1/flags/stream', {
      headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
      signal: connection.signal,
      cache: 'no-store',
    });
    if (!res.ok || !res.body) throw new ApiError(res.status, `the stream answered ${res.status}`);
    await connected();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let rest = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      clearTimeout(watchdog);
      watchdog = setTimeout(stop, SILENCE_MS);
      const parsed = parseEventStream(rest + value);
      rest = parsed.rest;
      for (const event of parsed.events) if (event.event === 'flag') onFlag(JSON.parse(event.data));
    }
  } finally {
    clearTimeout(watchdog);
    signal.removeEventListener('abort', stop);
    connection.abort();
  }
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
