import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import { publicOnlyLookup, RefusedTargetError } from './public-only-lookup';
import { isIP } from 'node:net';
import { addressProblem } from './webhook-target';

export interface WebhookMessage {
  url: string;
  /** `whsec_…` */
  secret: string;
  messageId: string;
  /** Sent byte for byte as stored: the signature covers exactly this text. */
  body: string;
}

export interface SendOptions {
  timeoutMs: number;
  allowPrivateTargets: boolean;
  /** Aborted when the service shuts down. */
  signal: AbortSignal;
}

export type SendResult =
  | { outcome: 'delivered'; status: number }
  | { outcome: 'gone'; status: number; error: string }
  | { outcome: 'failed'; status: number | null; error: string }
  | { outcome: 'aborted' };

const MAX_ERROR_BODY = 200;

/**
 * One signed POST (Standard Webhooks: `webhook-id` is the messageId on every attempt, so the
 * receiver can de-duplicate). Never throws: every way a receiver can fail is a result. Redirects
 * are not followed, since one could lead to an address the URL rules refuse.
 */
export function sendWebhook(message: WebhookMessage, options: SendOptions): Promise<SendResult> {
  return new Promise<SendResult>((resolve) => {
    if (options.signal.aborted) return resolve({ outcome: 'aborted' });
    const prepared = prepare(message, options);
    if ('error' in prepared) return resolve({ outcome: 'failed', status: null, ...prepared });
    const { url, headers } = prepared;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), options.timeoutMs);
    const onShutdown = () => abort.abort();
    options.signal.addEventListener('abort', onShutdown, { once: true });
    const settle = (result: SendResult) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onShutdown);
      resolve(result);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'POST',
        headers,
        signal: abort.signal,
        agent: false,
        lookup: options.allowPrivateTargets ? undefined : publicOnlyLookup,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          settle({ outcome: 'delivered', status });
          res.destroy();
          return;
        }
        void readSnippet(res).then((snippet) => {
          settle(failure(status, snippet));
          res.destroy();
        });
      },
    );
    req.on('error', (error) => {
      if (options.signal.aborted) return settle({ outcome: 'aborted' });
      const reason = abort.signal.aborted
        ? `no answer within ${options.timeoutMs} ms`
        : describeError(error);
      settle({ outcome: 'failed', status: null, error: reason });
    });
    req.end(message.body);
  });
}

function prepare(
  message: WebhookMessage,
  options: SendOptions,
): { url: URL; headers: Record<string, string> } | { error: string } {
  let url: URL;
  try {
    url = new URL(message.url);
  } catch {
    return { error: 'the URL does not parse' };
  }
  // A literal address is connected to without a look-up, so it is checked here; a name is
  // checked by publicOnlyLookup, against what it resolves to now.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const problem = options.allowPrivateTargets || !isIP(host) ? null : addressProblem(host);
  if (problem) return { error: `refused: ${host} is ${problem}` };
  const timestamp = new Date();
  let signature: string;
  try {
    signature = new Webhook(message.secret).sign(message.messageId, timestamp, message.body);
  } catch (error) {
    return { error: `cannot sign: ${String(error)}` };
  }
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'DockProof-Webhooks/1',
    'webhook-id': message.messageId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signature,
  };
  return { url, headers };
}

function failure(status: number, snippet: string): SendResult {
  const error = `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
  if (status === 410) return { outcome: 'gone', status, error };
  return { outcome: 'failed', status, error };
}

/** The start of the answer, for an operator reading the last error; the rest is discarded. */
function readSnippet(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      // Control characters (NUL above all) cannot be stored in a text column.
      resolve(
        text
          .replace(/[\u0000-\u001f\u007f]+/g, ' ')
          .trim()
          .slice(0, MAX_ERROR_BODY),
      );
    };
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      text += chunk;
      if (text.length >= MAX_ERROR_BODY) done();
    });
    res.on('end', done);
    res.on('close', done);
    res.on('error', done);
  });
}

function describeError(error: Error): string {
  if (error instanceof RefusedTargetError) return `refused: ${error.message}`;
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
