import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { ClearanceEntity } from './clearance.entity';
import { Created, insertIfAbsent, sameOrConflict, unknownReference } from './create-once';
import { CreateClearance, CreateIpRight } from './ip-rights.dto';
import { IpRightEntity } from './ip-right.entity';
import { expandMarkets } from './markets';
import { SupplierEntity } from './supplier.entity';

/** The IP rights registry and batch clearances. Same create again: no-op; different: conflict. */
@Injectable()
export class IpRightsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  createRight(actor: Principal, right: CreateIpRight): Promise<Created<CreateIpRight>> {
    return this.dataSource.transaction(async (db) => {
      const row = {
        ...right,
        countries: expandMarkets(right.jurisdictions),
        createdAt: new Date(),
      };
      if (!(await insertIfAbsent(db, IpRightEntity, row))) {
        const stored = await db.findOneByOrFail(IpRightEntity, { rightId: right.rightId });
        const value = sameOrConflict('IP right', right.rightId, mapRight(stored), right);
        return { created: false, value };
      }
      await this.audit.append(db, {
        actor: actor.keyId,
        action: 'ip-right.created',
        objectType: 'ip-right',
        objectId: right.rightId,
        payload: right,
      });
      return { created: true, value: right };
    });
  }

  createClearance(actor: Principal, clearance: CreateClearance): Promise<Created<CreateClearance>> {
    return this.dataSource.transaction(async (db) => {
      await assertReferencesExist(db, clearance);
      const countries = expandMarkets(clearance.markets);
      const row = { ...clearance, countries, createdAt: new Date() };
      if (!(await insertIfAbsent(db, ClearanceEntity, row))) {
        const { clearanceId } = clearance;
        const stored = await db.findOneByOrFail(ClearanceEntity, { clearanceId });
        const value = sameOrConflict('clearance', clearanceId, mapClearance(stored), clearance);
        return { created: false, value };
      }
      await this.audit.append(db, {
        actor: actor.keyId,
        action: 'clearance.created',
        objectType: 'clearance',
        objectId: clearance.clearanceId,
        payload: clearance,
      });
      return { created: true, value: clearance };
    });
  }
}

async function assertReferencesExist(db: EntityManager, clearance: CreateClearance): Promise<void> {
  if (!(await db.existsBy(SupplierEntity, { supplierId: clearance.supplierId }))) {
    throw unknownReference('supplierId', `supplier ${clearance.supplierId} does not exist`);
  }
  const found = await db.find(IpRightEntity, {
    select: { rightId: true },
    where: { rightId: In(clearance.rightIds) },
  });
  const known = new Set(found.map((r) => r.rightId));
  const unknown = clearance.rightIds.filter((id) => !known.has(id));
  if (unknown.length) {
    throw unknownReference('rightIds', `no IP right ${unknown.join(', ')}`);
  }
}

function mapRight(e: IpRightEntity): CreateIpRight {
  const { rightId, kind, title, owner, registrationNumber, jurisdictions, gtinPrefixes } = e;
  const { validFrom, validUntil } = e;
  return {
    rightId,
    kind,
    title,
    owner,
    registrationNumber,
    jurisdictions,
    gtinPrefixes,
    validFrom,
    validUntil,
  };
}

function mapClearance(e: ClearanceEntity): CreateClearance {
  const { clearanceId, supplierId, gtin, lot, markets, rightIds, validFrom, validUntil } = e;
  return { clearanceId, supplierId, gtin, lot, markets, rightIds, validFrom, validUntil };
}
