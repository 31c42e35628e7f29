import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isDeepStrictEqual } from 'node:util';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { Created, sameOrConflict } from './create-once';
import { CreateSite, CreateSupplier, UpdateSupplier } from './registry.dto';
import { SiteEntity } from './site.entity';
import { SupplierEntity } from './supplier.entity';

// Certificates import it from here.
export type { Created } from './create-once';
import { SupplierRisk, supplierRisk } from './supplier-risk';

/** Sites and suppliers. A create repeated with the same content is a no-op; different content is a conflict. */
@Injectable()
export class RegistryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  createSite(actor: Principal, site: CreateSite): Promise<Created<CreateSite>> {
    return this.dataSource.transaction(async (db) => {
      const existing = await db.findOne(SiteEntity, {
        where: { siteId: site.siteId },
        lock: { mode: 'pessimistic_write' },
      });
      if (existing)
        return {
          created: false,
          value: sameOrConflict('site', site.siteId, mapSite(existing), site),
        };
      await db.insert(SiteEntity, { ...site, createdAt: new Date() });
      await this.audit.append(db, {
        actor: actor.keyId,
        action: 'site.created',
        objectType: 'site',
        objectId: site.siteId,
        payload: site,
      });
      return { created: true, value: site };
    });
  }

  createSupplier(actor: Principal, supplier: CreateSupplier): Promise<Created<CreateSupplier>> {
    return this.dataSource.transaction(async (db) => {
      const existing = await db.findOne(SupplierEntity, {
        where: { supplierId: supplier.supplierId },
        lock: { mode: 'pessimistic_write' },
      });
      if (existing) {
        return {
          created: false,
          value: sameOrConflict('supplier', supplier.supplierId, mapSupplier(existing), supplier),
        };
      }
      const now = new Date();
      await db.insert(SupplierEntity, { ...supplier, createdAt: now, updatedAt: now });
      await this.audit.append(db, {
        actor: actor.keyId,
        action: 'supplier.created',
        objectType: 'supplier',
        objectId: supplier.supplierId,
        payload: supplier,
      });
      return { created: true, value: supplier };
    });
  }

  /** The supplier with its risk score (see supplier-risk.ts). */
  getSupplier(supplierId: string): Promise<CreateSupplier & { risk: SupplierRisk }> {
    return this.dataSource.transaction(async (db) => {
      const supplier = await db.findOneBy(SupplierEntity, { supplierId });
      if (!supplier) throw new NotFoundException(`supplier ${supplierId} does not exist`);
      return { ...mapSupplier(supplier), risk: await supplierRisk(db, supplierId, new Date()) };
    });
  }

  updateSupplier(
    actor: Principal,
    supplierId: string,
    patch: UpdateSupplier,
  ): Promise<CreateSupplier> {
    return this.dataSource.transaction(async (db) => {
      const existing = await db.findOne(SupplierEntity, {
        where: { supplierId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!existing) throw new NotFoundException(`supplier ${supplierId} does not exist`);
      const updated = { ...mapSupplier(existing), ...patch };
      if (isDeepStrictEqual(updated, mapSupplier(existing))) return updated;
      await db.update(SupplierEntity, { supplierId }, { ...patch, updatedAt: new Date() });
      await this.audit.append(db, {
        actor: actor.keyId,
        action: 'supplier.updated',
        objectType: 'supplier',
        objectId: supplierId,
        payload: patch,
      });
      return updated;
    });
  }
}

function mapSite({ siteId, name, country }: SiteEntity): CreateSite {
  return { siteId, name, country };
}

function mapSupplier({
  supplierId,
  name,
  country,
  publicKey,
  status,
}: SupplierEntity): CreateSupplier {
  return { supplierId, name, country, publicKey, status };
}
