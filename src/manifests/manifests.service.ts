import { ForbiddenException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { Created, insertIfAbsent, sameOrConflict, unknownReference } from '../registry/create-once';
import { SiteEntity } from '../registry/site.entity';
import { SupplierEntity } from '../registry/supplier.entity';
import { CreateManifest } from './manifests.dto';
import { ManifestEntity, ManifestItemEntity, ManifestPalletEntity } from './manifests.entities';

const ITEM_ROWS_PER_INSERT = 5_000;

/** Suppliers' shipment manifests. Same upload again: no-op; different under the same id: conflict. */
@Injectable()
export class ManifestsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  create(actor: Principal, manifest: CreateManifest): Promise<Created<CreateManifest>> {
    // The guard only sees path parameters; the supplier named in the body is checked here.
    if (actor.supplierId !== manifest.supplierId) {
      throw new ForbiddenException(`this key is not for supplier ${manifest.supplierId}`);
    }
    return this.dataSource.transaction(async (db) => {
      await assertReferencesExist(db, manifest);
      const { manifestId, supplierId, carrierId, siteId } = manifest;
      const header = { manifestId, supplierId, carrierId, siteId, content: manifest };
      const row = { ...header, createdBy: actor.keyId, createdAt: new Date() };
      if (!(await insertIfAbsent(db, ManifestEntity, row))) {
        const stored = await db.findOneByOrFail(ManifestEntity, { manifestId });
        const value = sameOrConflict('manifest', manifestId, stored.content, asJson(manifest));
        return { created: false, value };
      }
      await insertPalletsAndItems(db, manifest);
      await this.audit.append(db, {
        actor: actor.keyId,
        action: 'manifest.created',
        objectType: 'manifest',
        objectId: manifestId,
        payload: manifest,
      });
      return { created: true, value: manifest };
    });
  }
}

async function assertReferencesExist(db: EntityManager, manifest: CreateManifest): Promise<void> {
  if (!(await db.existsBy(SiteEntity, { siteId: manifest.siteId }))) {
    throw unknownReference('siteId', `site ${manifest.siteId} does not exist`);
  }
  if (!(await db.existsBy(SupplierEntity, { supplierId: manifest.supplierId }))) {
    throw unknownReference('supplierId', `supplier ${manifest.supplierId} does not exist`);
  }
}

async function insertPalletsAndItems(db: EntityManager, manifest: CreateManifest): Promise<void> {
  const { manifestId, siteId } = manifest;
  const pallets = manifest.pallets.map(({ sscc }) => ({ manifestId, sscc, siteId }));
  await db.insert(ManifestPalletEntity, pallets);
  const items = itemRows(manifest);
  for (let i = 0; i < items.length; i += ITEM_ROWS_PER_INSERT) {
    await db.insert(ManifestItemEntity, items.slice(i, i + ITEM_ROWS_PER_INSERT));
  }
}

type ItemRow = Omit<ManifestItemEntity, 'id'>;

function itemRows(manifest: CreateManifest): ItemRow[] {
  const { manifestId } = manifest;
  return manifest.pallets.flatMap(({ sscc, items }) =>
    items.flatMap(({ gtin, lot, serials, quantity }): ItemRow[] =>
      serials
        ? serials.map((serial) => ({ manifestId, sscc, gtin, lot, serial, quantity: null }))
        : [{ manifestId, sscc, gtin, lot, serial: null, quantity: quantity ?? null }],
    ),
  );
}

/** As jsonb gives it back: what a repeated upload is compared in. */
function asJson(manifest: CreateManifest): CreateManifest {
  return JSON.parse(JSON.stringify(manifest)) as CreateManifest;
}
