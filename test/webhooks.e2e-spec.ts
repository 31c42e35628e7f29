import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import request from 'supertest';
import { newWebhookSecret } from '../src/wms/webhooks/webhooks.dto';
import { issueKey } from './support/api-keys';
import { startTestApp, TestApp, uniqueId } from './support/test-app';

interface Delivery {
  headers: Record<string, string>;
  body: string;
  /** What the receiver answered. */
  status: number | 'no answer';
}

/** Chooses the answer to the n-th request (0-based). */
type Answer = (delivery: Omit<Delivery, 'status'>, n: number) => number | 'no answer';

/** A WMS's webhook receiver on 127.0.0.1 that records every request it gets. */
class Receiver {
  readonly deliveries: Delivery[] = [];
  private readonly server: Server;

  constructor(answer: Answer) {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const headers = req.headers as Record<string, string>;
        const status = answer({ headers, body }, this.deliveries.length);
        this.deliveries.push({ headers, body, status });
        if (status !== 'no answer')
          res.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${status}`);
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    return closed;
  }
}

/** Verifies as a receiver would: a 2xx only for a valid signature. */
const verifying =
  (secret: string, then: Answer = () => 204): Answer =>
  (delivery, n) => {
    try {
      new Webhook(secret).verify(delivery.body, delivery.headers);
    } catch {
      return 401;
    }
    return then(delivery, n);
  };

interface EndpointState {
  endpointId: string;
  siteId: string;
  url: string;
  enabled: boolean;
  deliveredCount: number;
  failingCount: number;
  lastDeliveredAt: string | null;
  lastAttemptAt: string | null;
  lastError: string | null;
}

interface Message {
  messageId: string;
  flagId: string;
  type: string;
  body: string;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
  });
}

/** Writes WMS messages the way the flags code does: rows in `outbox`, one transaction. */
async function writeMessages(
  app: TestApp,
  siteId: string,
  specs: Array<{ type?: string; flagId?: string }>,
): Promise<Message[]> {
  const messages = specs.map(({ type = 'hold', flagId = randomUUID() }) => {
    const messageId = randomUUID();
    const body = JSON.stringify({
      messageId,
      type,
      flagId,
      siteId,
      palletSscc: '106141412345678908',
      items: [{ gtin: '09506000134352', lot: 'L1', serial: 'SN1', reasons: ['DUPLICATE_SERIAL'] }],
      at: new Date().toISOString(),
    });
    return { messageId, flagId, type, body };
  });
  await app.db.query(
    `INSERT INTO outbox (message_id, site_id, topic, body, created_at)
     SELECT m, $2, $3, b, now() FROM unnest($1::uuid[], $4::text[]) AS u (m, b)`,
    [
      messages.map((m) => m.messageId),
      siteId,
      `sites/${siteId}/wms/events`,
      messages.map((m) => m.body),
    ],
  );
  return messages;
}

async function createSite(app: TestApp, siteId = uniqueId('S')): Promise<string> {
  await request(app.http)
    .post('/api/v1/sites')
    .auth(app.adminKey, { type: 'bearer' })
    .send({ siteId, name: 'Site', country: 'NL' })
    .expect(201);
  return siteId;
}

async function register(
  app: TestApp,
  siteId: string,
  url: string,
  secret?: string,
): Promise<{ endpointId: string; secret: string }> {
  const res = await request(app.http)
    .post(`/api/v1/sites/${siteId}/webhooks`)
    .auth(app.adminKey, { type: 'bearer' })
    .send({ url, secret })
    .expect(201);
  return res.body as { endpointId: string; secret: string };
}

async function endpointState(app: TestApp, endpointId: string): Promise<EndpointState> {
  const res = await request(app.http)
    .get('/api/v1/webhooks')
    .auth(app.adminKey, { type: 'bearer' })
    .expect(200);
  return (res.body as EndpointState[]).find((e) => e.endpointId === endpointId)!;
}

const stateWhen = (app: TestApp, endpointId: string, ready: (s: EndpointState) => boolean) =>
  waitFor(`webhook ${endpointId} state`, async () => {
    const state = await endpointState(app, endpointId);
    return ready(state) ? state : undefined;
  });

const FAST_RETRIES = { WEBHOOK_POLL_MS: '20', WEBHOOK_RETRY_BASE_MS: '20' };

describe('webhooks (private targets allowed, as for a receiver on this machine)', () => {
  let app: TestApp;
  const receivers: Receiver[] = [];
  const receiver = async (answer: Answer) => {
    const r = new Receiver(answer);
    receivers.push(r);
    return { receiver: r, url: await r.start() };
  };

  beforeAll(async () => {
    app = await startTestApp({
      ...FAST_RETRIES,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_TIMEOUT_MS: '1000',
    });
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('registers with a wms key of the site, retries 500s and delivers with the same webhook-id, signed', async () => {
    const siteId = await createSite(app);
    const wmsKey = await issueKey(app.url, app.adminKey, { role: 'wms', siteIds: [siteId] });
    let secret = '';
    const { receiver: wms, url } = await receiver((d, n) =>
      verifying(secret, () => (n < 2 ? 500 : 200))(d, n),
    );
    const res = await request(app.http)
      .post(`/api/v1/sites/${siteId}/webhooks`)
      .auth(wmsKey, { type: 'bearer' })
      .send({ url })
      .expect(201);
    expect(res.body).toEqual({
      endpointId: expect.stringMatching(/^wh_[0-9a-f]{16}$/),
      siteId,
      url,
      enabled: true,
      createdAt: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    secret = res.body.secret;

    const [message] = await writeMessages(app, siteId, [{}]);
    const state = await stateWhen(app, res.body.endpointId, (s) => s.deliveredCount === 1);

    expect(wms.deliveries.map((d) => d.status)).toEqual([500, 500, 200]);
    for (const delivery of wms.deliveries) {
      expect(delivery.headers['webhook-id']).toBe(message.messageId);
      expect(delivery.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
      expect(delivery.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(delivery.body).toBe(message.body);
      expect(new Webhook(secret).verify(delivery.body, delivery.headers)).toEqual(
        JSON.parse(message.body),
      );
      // Any other secret fails verification.
      expect(() => new Webhook(newWebhookSecret()).verify(delivery.body, delivery.headers)).toThrow(
        WebhookVerificationError,
      );
    }
    expect(state).toMatchObject({
      siteId,
      enabled: true,
      deliveredCount: 1,
      failingCount: 0,
      lastDeliveredAt: expect.any(String),
      lastError: 'HTTP 500: answer 500',
    });
    expect(JSON.stringify(await endpointState(app, res.body.endpointId))).not.toContain(secret);
  });

  it('shows a receiver that refuses the signature (wrong secret) as failing, with its last error', async () => {
    const siteId = await createSite(app);
    const { receiver: wms, url } = await receiver(verifying(newWebhookSecret()));
    const { endpointId } = await register(app, siteId, url, newWebhookSecret());
    await writeMessages(app, siteId, [{}]);

    const state = await stateWhen(
      app,
      endpointId,
      (s) => s.failingCount === 1 && wms.deliveries.length >= 2,
    );
    expect(state).toMatchObject({
      deliveredCount: 0,
      failingCount: 1,
      lastDeliveredAt: null,
      lastError: 'HTTP 401: answer 401',
      lastAttemptAt: expect.any(String),
    });
    expect(new Set(wms.deliveries.map((d) => d.status))).toEqual(new Set([401]));
  });

  it('disables an endpoint whose receiver answers 410 and sends it nothing more', async () => {
    const siteId = await createSite(app);
    const gone = await receiver(() => 410);
    const live = await receiver(() => 200);
    const goneEndpoint = await register(app, siteId, gone.url);
    const liveEndpoint = await register(app, siteId, live.url);
    const goneCount = async () => {
      const res = await request(app.http)
        .get('/metrics')
        .auth(app.adminKey, { type: 'bearer' })
        .expect(200);
      const line = /^dockproof_webhook_failures_total\{outcome="gone"\} (\d+)$/m.exec(res.text);
      return Number(line?.[1] ?? 0);
    };
    const goneBefore = await goneCount();

    await writeMessages(app, siteId, [{}]);
    const disabled = await stateWhen(app, goneEndpoint.endpointId, (s) => !s.enabled);
    expect(disabled).toMatchObject({ deliveredCount: 0, lastError: 'HTTP 410: answer 410' });
    expect((await goneCount()) - goneBefore).toBe(1);
    await stateWhen(app, liveEndpoint.endpointId, (s) => s.deliveredCount === 1);

    const [second] = await writeMessages(app, siteId, [{}]);
    await stateWhen(app, liveEndpoint.endpointId, (s) => s.deliveredCount === 2);
    expect(live.receiver.deliveries.map((d) => d.headers['webhook-id'])).toContain(
      second.messageId,
    );
    expect(gone.receiver.deliveries).toHaveLength(1);
    const queued = await app.db.query(
      `SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'pending'`,
      [goneEndpoint.endpointId],
    );
    expect(queued).toEqual([]);
  });

  it('times out a receiver that does not answer, and tries again', async () => {
    const siteId = await createSite(app);
    const { receiver: wms, url } = await receiver(() => 'no answer');
    const { endpointId } = await register(app, siteId, url);
    await writeMessages(app, siteId, [{}]);

    const state = await stateWhen(
      app,
      endpointId,
      (s) => s.failingCount === 1 && wms.deliveries.length >= 2,
    );
    expect(state).toMatchObject({ deliveredCount: 0, lastError: 'no answer within 1000 ms' });
  });

  it("keeps a flag's messages in order without holding up other flags", async () => {
    const siteId = await createSite(app);
    const flagA = randomUUID();
    const flagB = randomUUID();
    let bArrived = false;
    const { receiver: wms, url } = await receiver(({ body }) => {
      const { flagId } = JSON.parse(body) as { flagId: string };
      if (flagId === flagB) bArrived = true;
      // Flag A's hold fails until flag B's message got through: B must not wait behind A.
      return flagId === flagA && !bArrived ? 503 : 200;
    });
    const { endpointId } = await register(app, siteId, url);
    const [holdA, releaseA, holdB] = await writeMessages(app, siteId, [
      { flagId: flagA, type: 'hold' },
      { flagId: flagA, type: 'release' },
      { flagId: flagB, type: 'hold' },
    ]);

    await stateWhen(app, endpointId, (s) => s.deliveredCount === 3);
    const ids = wms.deliveries.map((d) => d.headers['webhook-id']);
    const accepted = wms.deliveries
      .filter((d) => d.status === 200)
      .map((d) => d.headers['webhook-id']);
    expect(accepted).toEqual([holdB.messageId, holdA.messageId, releaseA.messageId]);
    expect(ids.indexOf(releaseA.messageId)).toBeGreaterThan(ids.lastIndexOf(holdA.messageId));
  });

  it('queues nothing for a message whose transaction rolls back', async () => {
    const siteId = await createSite(app);
    const { url } = await receiver(() => 200);
    const { endpointId } = await register(app, siteId, url);
    await app.db.query('BEGIN');
    const [message] = await writeMessages(app, siteId, [{}]);
    const inTransaction = await app.db.query(
      `SELECT 1 FROM webhook_deliveries d JOIN outbox o ON o.seq = d.outbox_seq
        WHERE d.endpoint_id = $1 AND o.message_id = $2`,
      [endpointId, message.messageId],
    );
    await app.db.query('ROLLBACK');
    expect(inTransaction).toHaveLength(1);
    const after = await app.db.query(`SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1`, [
      endpointId,
    ]);
    expect(after).toEqual([]);
  });

  it('shares the work with a second instance: every message delivered once', async () => {
    const second = await startTestApp(
      { ...FAST_RETRIES, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', DOCKPROOF_ADMIN_KEY: app.adminKey },
      app.db,
    );
    try {
      const siteId = await createSite(app);
      const { receiver: wms, url } = await receiver(() => 200);
      const { endpointId } = await register(app, siteId, url);
      const messages = await writeMessages(
        app,
        siteId,
        Array.from({ length: 60 }, () => ({})),
      );
      await stateWhen(app, endpointId, (s) => s.deliveredCount === 60);
      const ids = wms.deliveries.map((d) => d.headers['webhook-id']).sort();
      expect(ids).toEqual(messages.map((m) => m.messageId).sort());
    } finally {
      await second.close();
    }
  });

  it('deletes an endpoint with its queue, audited, for a wms key of that site only', async () => {
    const siteId = await createSite(app);
    const otherSite = await createSite(app);
    const wmsKey = await issueKey(app.url, app.adminKey, { role: 'wms', siteIds: [siteId] });
    const otherKey = await issueKey(app.url, app.adminKey, { role: 'wms', siteIds: [otherSite] });
    const { endpointId } = await register(app, siteId, 'http://127.0.0.1:9/never');
    await writeMessages(app, siteId, [{}]);

    await request(app.http)
      .delete(`/api/v1/sites/${siteId}/webhooks/${endpointId}`)
      .auth(otherKey, { type: 'bearer' })
      .expect(403);
    await request(app.http)
      .delete(`/api/v1/sites/${otherSite}/webhooks/${endpointId}`)
      .auth(otherKey, { type: 'bearer' })
      .expect(404);
    const deleted = await request(app.http)
      .delete(`/api/v1/sites/${siteId}/webhooks/${endpointId}`)
      .auth(wmsKey, { type: 'bearer' })
      .expect(200);
    expect(deleted.body).toMatchObject({ endpointId, siteId });
    await request(app.http)
      .delete(`/api/v1/sites/${siteId}/webhooks/${endpointId}`)
      .auth(wmsKey, { type: 'bearer' })
      .expect(404);

    expect(await endpointState(app, endpointId)).toBeUndefined();
    expect(
      await app.db.query(`SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1`, [endpointId]),
    ).toEqual([]);
    const audit = await request(app.http)
      .get('/api/v1/audit')
      .query({ objectType: 'webhook', objectId: endpointId })
      .auth(app.adminKey, { type: 'bearer' })
      .expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'webhook.registered',
      'webhook.deleted',
    ]);
  });

  it('answers bad registrations with the field named', async () => {
    const siteId = await createSite(app);
    const post = (body: object, site = siteId) =>
      request(app.http)
        .post(`/api/v1/sites/${site}/webhooks`)
        .auth(app.adminKey, { type: 'bearer' })
        .send(body);

    expect((await post({}).expect(400)).body.message).toBe('url: is required');
    expect((await post({ url: 'ftp://wms.example.com/' }).expect(400)).body.message).toBe(
      'url: must be an http or https URL',
    );
    const badSecret = await post({ url: 'https://wms.example.com/a', secret: 'hunter2' }).expect(
      400,
    );
    expect(badSecret.body.message).toMatch(/^secret: must be "whsec_"/);
    expect(badSecret.body.details).toEqual([{ field: 'secret', message: expect.any(String) }]);
    await post({ url: 'https://wms.example.com/a', extra: 1 }).expect(400);
    await post({ url: 'https://wms.example.com/a' }).expect(201);
    expect((await post({ url: 'https://wms.example.com/a' }).expect(409)).body.message).toMatch(
      /^url: is already registered/,
    );
    await post({ url: 'https://wms.example.com/a' }, 'NO-SUCH-SITE').expect(404);
  });
});

describe('webhooks (default: private targets refused)', () => {
  let app: TestApp;
  let receiver: Receiver;
  let receiverUrl: string;

  beforeAll(async () => {
    app = await startTestApp({ ...FAST_RETRIES, WEBHOOK_GIVE_UP_AFTER_MS: '500' });
    receiver = new Receiver(() => 200);
    receiverUrl = await receiver.start();
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  });

  it.each([
    ['http://127.0.0.1:8080/hooks', 'url: must not point to a loopback address (127.0.0.1)'],
    ['http://localhost:8080/hooks', 'url: must not point to a loopback address (localhost)'],
    ['http://[::1]/hooks', 'url: must not point to a loopback address (::1)'],
    ['https://10.20.30.40/hooks', 'url: must not point to a private address (10.20.30.40)'],
    ['https://192.168.0.10/hooks', 'url: must not point to a private address (192.168.0.10)'],
    ['https://[fd00::1]/hooks', 'url: must not point to a unique-local address (fd00::1)'],
    [
      'http://169.254.169.254/latest',
      'url: must not point to a cloud metadata address (169.254.169.254)',
    ],
    ['http://0.0.0.0/', 'url: must not point to an unspecified address (0.0.0.0)'],
  ])('refuses %s with 400', async (url, message) => {
    const siteId = await createSite(app);
    const res = await request(app.http)
      .post(`/api/v1/sites/${siteId}/webhooks`)
      .auth(app.adminKey, { type: 'bearer' })
      .send({ url })
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, message, details: [{ field: 'url' }] });
  });

  it('refuses at delivery a name that resolves to loopback, then gives up keeping the error', async () => {
    const siteId = await createSite(app);
    // As if the name's DNS record had changed since registration (registration refuses "localhost").
    const endpointId = uniqueId('wh');
    const url = receiverUrl.replace('127.0.0.1', 'localhost');
    await app.db.query(
      `INSERT INTO webhook_endpoints (endpoint_id, site_id, url, secret, created_at, created_by)
       VALUES ($1, $2, $3, $4, now(), 'test')`,
      [endpointId, siteId, url, newWebhookSecret()],
    );
    await writeMessages(app, siteId, [{}]);

    const [delivery] = await waitFor('the delivery to be given up', async () => {
      const rows = await app.db.query<{ status: string; attempts: number; last_error: string }>(
        `SELECT status, attempts, last_error FROM webhook_deliveries WHERE endpoint_id = $1`,
        [endpointId],
      );
      return rows[0]?.status === 'failed' ? rows : undefined;
    });
    expect(delivery.attempts).toBeGreaterThanOrEqual(2);
    expect(delivery.last_error).toMatch(
      /^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address$/,
    );
    expect(await endpointState(app, endpointId)).toMatchObject({
      enabled: true,
      deliveredCount: 0,
      failingCount: 1,
      lastError: delivery.last_error,
    });
    expect(receiver.deliveries).toEqual([]);
  });
});
