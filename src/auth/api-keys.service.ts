import {
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SETTINGS } from '../config/config.module';
import type { Settings } from '../config/settings';
import { ApiKeyEntity } from './api-key.entity';
import { mosquittoPasswordHash, newApiKey, newSecret, sha256Hex } from './api-key-secret';
import { ApiKeyView, IssueApiKey, mapApiKey } from './api-keys.dto';
import type { Principal } from './principal';

export const BOOTSTRAP_ADMIN_KEY_ID = 'bootstrap-admin';

@Injectable()
export class ApiKeysService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.installBootstrapAdmin(this.bootstrapAdminKey());
  }

  /** The key is in the answer once and nowhere else: only hashes are stored. */
  async issue(actor: Principal, request: IssueApiKey): Promise<ApiKeyView & { apiKey: string }> {
    const { keyId, apiKey } = newApiKey();
    const entity = await this.dataSource.transaction(async (db) => {
      const key = await db.save(ApiKeyEntity, {
        keyId,
        role: request.role,
        supplierId: request.supplierId ?? null,
        siteIds: request.siteIds ?? [],
        label: request.label,
        keySha256: sha256Hex(apiKey),
        mosquittoHash: mosquittoPasswordHash(apiKey),
        createdBy: actor.keyId,
        createdAt: new Date(),
        revokedAt: null,
      });
      await this.audit.append(db, {
        actor: actor.keyId,
        action: 'api-key.issued',
        objectType: 'api-key',
        objectId: keyId,
        payload: mapApiKey(key),
      });
      return key;
    });
    return { ...mapApiKey(entity), apiKey };
  }

  /** Takes effect at once: every request and broker connection looks the key up. */
  async revoke(actor: Principal, keyId: string): Promise<ApiKeyView> {
    return this.dataSource.transaction(async (db) => {
      const key = await db.findOne(ApiKeyEntity, {
        where: { keyId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!key) throw new NotFoundException(`API key ${keyId} does not exist`);
      if (key.revokedAt) return mapApiKey(key);
      key.revokedAt = new Date();
      await db.save(key);
      await this.audit.append(db, {
        actor: actor.keyId,
        action: 'api-key.revoked',
        objectType: 'api-key',
        objectId: keyId,
        payload: mapApiKey(key),
      });
      return mapApiKey(key);
    });
  }

  async authenticate(apiKey: string): Promise<Principal | null> {
    const key = await this.dataSource.getRepository(ApiKeyEntity).findOne({
      where: { keySha256: sha256Hex(apiKey) },
    });
    if (!key || key.revokedAt) return null;
    return { keyId: key.keyId, role: key.role, supplierId: key.supplierId, siteIds: key.siteIds };
  }

  /** DOCKPROOF_ADMIN_KEY, or one generated at first start, kept in DATA_DIR/admin-key and printed once. */
  private bootstrapAdminKey(): string {
    if (this.settings.DOCKPROOF_ADMIN_KEY) return this.settings.DOCKPROOF_ADMIN_KEY;
    const file = join(this.settings.DATA_DIR, 'admin-key');
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    const key = newSecret();
    mkdirSync(this.settings.DATA_DIR, { recursive: true });
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    // Printed once, on purpose: the operator needs it to issue every other key.
    this.logger.warn(`Generated the bootstrap admin API key (kept in ${file}): ${key}`);
    return key;
  }

  private async installBootstrapAdmin(apiKey: string): Promise<void> {
    const keySha256 = sha256Hex(apiKey);
    await this.dataSource.transaction(async (db: EntityManager) => {
      const existing = await db.findOne(ApiKeyEntity, { where: { keyId: BOOTSTRAP_ADMIN_KEY_ID } });
      if (existing?.keySha256 === keySha256) return;
      const key = await db.save(ApiKeyEntity, {
        keyId: BOOTSTRAP_ADMIN_KEY_ID,
        role: 'admin' as const,
        supplierId: null,
        siteIds: [],
        label: 'bootstrap admin',
        keySha256,
        mosquittoHash: mosquittoPasswordHash(apiKey),
        createdBy: 'system',
        createdAt: new Date(),
        revokedAt: null,
      });
      await this.audit.append(db, {
        actor: 'system',
        action: existing ? 'api-key.replaced' : 'api-key.issued',
        objectType: 'api-key',
        objectId: BOOTSTRAP_ADMIN_KEY_ID,
        payload: mapApiKey(key),
      });
    });
  }
}
