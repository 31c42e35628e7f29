import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Principal } from '../../auth/principal';
import {
  mapEndpoint,
  mapEndpointState,
  newWebhookSecret,
  RegisterWebhook,
  RegisteredWebhook,
  WebhookEndpointRow,
  WebhookEndpointState,
  WebhookEndpointView,
} from './webhooks.dto';

const ENDPOINT_COLUMNS = `endpoint_id, site_id, url, enabled, created_at`;

// Failing is counted from the deliveries (an index covers the undelivered ones), so it cannot
// drift from what the worker will still try.
const LIST_SQL = `
  SELECT e.*, e.delivered_count::text AS delivered_count,
         (SELECT count(*) FROM webhook_deliveries d
           WHERE d.endpoint_id = e.endpoint_id AND d.status <> 'delivered'
             AND (d.status = 'failed' OR d.attempts > 0))::text AS failing_count
    FROM webhook_endpoints e
   ORDER BY e.site_id, e.created_at, e.endpoint_id`;

/** A site's webhook endpoints: registered and deleted by the site's WMS key or an admin. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  register(actor: Principal, siteId: string, body: RegisterWebhook): Promise<RegisteredWebhook> {
    const endpointId = `wh_${randomBytes(8).toString('hex')}`;
    const secret = body.secret ?? newWebhookSecret();
    return this.dataSource.transaction(async (db) => {
      const [site]: unknown[] = await db.query(`SELECT 1 FROM sites WHERE site_id = $1`, [siteId]);
      if (!site) throw new NotFoundException(`site ${siteId} does not exist`);
      const [row]: WebhookEndpointRow[] = await db.query(
        `INSERT INTO webhook_endpoints (endpoint_id, site_id, url, secret, created_at, created_by)
         VALUES ($1, $2, $3, $4, now(), $5)
         ON CONFLICT (site_id, url) DO NOTHING
         RETURNING ${ENDPOINT_COLUMNS}`,
        [endpointId, siteId, body.url, secret, actor.keyId],
      );
      if (!row) throw new ConflictException(`url: is already registered for site ${siteId}`);
      const endpoint = mapEndpoint(row);
      await this.audit.append(db, {
        actor: actor.keyId,
        action: 'webhook.registered',
        objectType: 'webhook',
        objectId: endpointId,
        payload: endpoint,
      });
      return { ...endpoint, secret };
    });
  }

  async list(): Promise<WebhookEndpointState[]> {
    const rows: WebhookEndpointRow[] = await this.dataSource.query(LIST_SQL);
    return rows.map(mapEndpointState);
  }

  /** Its queued deliveries go with it: nothing more is sent to the URL. */
  remove(actor: Principal, siteId: string, endpointId: string): Promise<WebhookEndpointView> {
    return this.dataSource.transaction(async (db) => {
      const [rows]: [WebhookEndpointRow[], number] = await db.query(
        `DELETE FROM webhook_endpoints WHERE endpoint_id = $1 AND site_id = $2
         RETURNING ${ENDPOINT_COLUMNS}`,
        [endpointId, siteId],
      );
      if (!rows.length)
        throw new NotFoundException(`webhook ${endpointId} of site ${siteId} does not exist`);
      const endpoint = mapEndpoint(rows[0]);
      await this.audit.append(db, {
        actor: actor.keyId,
        action: 'webhook.deleted',
        objectType: 'webhook',
        objectId: endpointId,
        payload: endpoint,
      });
      return endpoint;
    });
  }
}
