import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import type { VerificationOutcome } from '../verification/verify-scan';
import { OutboxRepository } from '../wms/outbox.repository';
import { FlagForWms, holdMessage, resolutionMessage, WmsItem } from '../wms/wms-message';
import { FlagEvidenceRepository } from './flag-evidence.repository';
import { FlagDetailView, timelineOf, toFlagView } from './flag-view';
import {
  FlagQuery,
  FlagRecord,
  FlagsRepository,
  FlagStatus,
  NewFlagItem,
  palletKey,
} from './flags.repository';

/** A scan that verification found suspicious, as it reaches the flags. */
export interface SuspiciousScan {
  eventId: string;
  siteId: string;
  palletSscc: string | null;
  code: string;
  outcome: VerificationOutcome;
}

export type ResolveAction = 'release' | 'quarantine';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const RESOLVED_STATUS: Record<ResolveAction, FlagStatus> = {
  release: 'released',
  quarantine: 'quarantined',
};

/**
 * Flags: every suspicious unit joins the open flag of its pallet at its site, or a flag of its
 * own; each flag opened or grown sends the WMS a hold with all its items, through the outbox, in
 * the transaction that flagged them.
 */
@Injectable()
export class FlagsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly flags: FlagsRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditService,
    private readonly evidence: FlagEvidenceRepository,
  ) {}

  /** Flags the scans in the caller's transaction; answers the flag of each eventId. */
  async raiseForScans(
    db: EntityManager,
    scans: SuspiciousScan[],
    at: Date,
  ): Promise<Map<string, string>> {
    const items = scans.map((s) => itemOfScan(s));
    // A scan's own flag is named after its eventId, so a scan raced on two instances names one flag.
    const flagIds = await this.raise(db, items, at, (item) => ownFlagId(item.eventId!));
    return new Map(scans.map((s, i) => [s.eventId, flagIds[i]]));
  }

  /** Every unit of a revoked batch still in stock is flagged and held, by pallet and site. */
  async holdRevokedBatch(
    db: EntityManager,
    revoked: { certificateId: string; supplierId: string; gtin: string; lot: string },
    reason: string,
    at: Date,
  ): Promise<number> {
    const units = await this.flags.unheldUnitsInStock(db, revoked);
    const items = units.map((u): NewFlagItem => ({
      eventId: null,
      siteId: u.siteId,
      palletSscc: u.palletSscc,
      gtin: revoked.gtin,
      lot: revoked.lot,
      serial: u.serial,
      sscc: null,
      code: null,
      reasons: [
        {
          code: 'CERTIFICATE_REVOKED',
          message: `certificate ${revoked.certificateId} of this batch was revoked (${reason}): the unit is held`,
        },
      ],
      supplierId: revoked.supplierId,
      certificateId: revoked.certificateId,
    }));
    // Units received without a pallet: one flag per site rather than one per unit.
    const loose = new Map<string, string>();
    await this.raise(db, items, at, ({ siteId }) => {
      if (!loose.has(siteId)) loose.set(siteId, randomUUID());
      return loose.get(siteId)!;
    });
    return items.length;
  }

  list(principal: Principal, query: Omit<FlagQuery, 'siteIds'> & { siteId?: string }) {
    return this.dataSource.transaction(async (db) => {
      const siteIds = visibleSites(principal, query.siteId);
      const flags = await this.flags.find(db, { ...query, siteIds });
      return { flags, hasMore: flags.length === query.limit };
    });
  }

  /** The flag with the scans that found its items and the certificates and clearances that applied. */
  detail(principal: Principal, flagId: string): Promise<FlagDetailView> {
    return this.dataSource.transaction(async (db) => {
      const flag = await this.visibleFlag(db, principal, flagId);
      const eventIds = flag.items.flatMap((i) => (i.eventId ? [i.eventId] : []));
      const certificateIds = [
        ...new Set(flag.items.flatMap((i) => (i.certificateId ? [i.certificateId] : []))),
      ];
      return {
        ...toFlagView(flag),
        scans: await this.evidence.scans(db, eventIds),
        evidence: {
          certificates: await this.evidence.certificates(db, certificateIds),
          clearances: await this.evidence.clearances(db, certificateIds),
        },
        timeline: timelineOf(flag),
      };
    });
  }

  async resolve(
    principal: Principal,
    flagId: string,
    action: ResolveAction,
    note: string,
  ): Promise<FlagRecord> {
    return this.dataSource.transaction(async (db) => {
      const flag = await this.visibleFlag(db, principal, flagId, true);
      if (flag.status !== 'open')
        throw new ConflictException(`flag ${flagId} is already ${flag.status}`);
      const at = new Date();
      const status = RESOLVED_STATUS[action];
      await this.flags.resolve(db, flagId, { status, by: principal.keyId, note, at });
      await this.outbox.append(db, [
        resolutionMessage(randomUUID(), flag, flag.items.map(wmsItem), {
          type: action,
          note,
          resolvedBy: principal.keyId,
          at,
        }),
      ]);
      await this.audit.append(db, {
        actor: principal.keyId,
        action: `flag.${status}`,
        objectType: 'flag',
        objectId: flagId,
        payload: { flagId, siteId: flag.siteId, status, note },
      });
      const [resolved] = await this.flags.load(db, [flagId]);
      return resolved;
    });
  }

  /** Flags of the principal's sites changed since `since` (the live queue). */
  changedSince(principal: Principal, siteId: string | undefined, since: Date) {
    return this.dataSource.transaction((db) =>
      this.flags.changedSince(db, visibleSites(principal, siteId), since),
    );
  }

  private async raise(
    db: EntityManager,
    items: NewFlagItem[],
    at: Date,
    newOwnFlagId: (item: NewFlagItem) => string,
  ): Promise<string[]> {
    if (!items.length) return [];
    const pallets = new Map<string, { newFlagId: string; siteId: string; palletSscc: string }>();
    for (const { siteId, palletSscc } of items) {
      if (palletSscc && !pallets.has(palletKey(siteId, palletSscc)))
        pallets.set(palletKey(siteId, palletSscc), {
          newFlagId: randomUUID(),
          siteId,
          palletSscc,
        });
    }
    // In one order everywhere, so that two transactions growing the same pallets cannot deadlock.
    const palletFlags = await this.flags.openPalletFlags(
      db,
      [...pallets.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, p]) => p),
      at,
    );
    const flagIds = items.map((item) =>
      item.palletSscc
        ? palletFlags.get(palletKey(item.siteId, item.palletSscc))!
        : newOwnFlagId(item),
    );
    const own = new Map<string, string>();
    items.forEach((item, i) => {
      if (!item.palletSscc) own.set(flagIds[i], item.siteId);
    });
    const itemsByFlag = await this.flags.addItems(
      db,
      items.map((item, i) => ({ ...item, flagId: flagIds[i] })),
      [...own].sort().map(([flagId, siteId]) => ({ flagId, siteId })),
      at,
    );
    const touched = new Map<string, FlagForWms>();
    items.forEach(({ siteId, palletSscc }, i) => {
      if (!touched.has(flagIds[i]))
        touched.set(flagIds[i], { flagId: flagIds[i], siteId, palletSscc });
    });
    await this.outbox.append(
      db,
      [...touched.values()].map((flag) =>
        holdMessage(randomUUID(), flag, (itemsByFlag.get(flag.flagId) ?? []).map(wmsItem), at),
      ),
    );
    return flagIds;
  }

  private async visibleFlag(
    db: EntityManager,
    principal: Principal,
    flagId: string,
    forUpdate = false,
  ): Promise<FlagRecord> {
    const [flag] = UUID.test(flagId) ? await this.flags.load(db, [flagId], forUpdate) : [];
    if (!flag) throw new NotFoundException(`flag ${flagId} does not exist`);
    if (principal.role !== 'admin' && !principal.siteIds.includes(flag.siteId))
      throw new ForbiddenException(`flag ${flagId} is not at one of this key's sites`);
    return flag;
  }
}

/** The sites whose flags a principal may see: all for admin, its own for a supervisor (403 else). */
export function visibleSites(principal: Principal, siteId: string | undefined): string[] | null {
  if (siteId !== undefined && principal.role !== 'admin' && !principal.siteIds.includes(siteId))
    throw new ForbiddenException(`this key is not for site ${siteId}`);
  if (siteId !== undefined) return [siteId];
  return principal.role === 'admin' ? null : principal.siteIds;
}

function itemOfScan(scan: SuspiciousScan): NewFlagItem {
  const { item, reasons, certificate } = scan.outcome;
  return {
    eventId: scan.eventId,
    siteId: scan.siteId,
    // A pallet label found suspicious flags its own pallet.
    palletSscc: item?.sscc ?? scan.palletSscc,
    gtin: item?.gtin ?? null,
    lot: item?.lot ?? null,
    serial: item?.serial ?? null,
    sscc: item?.sscc ?? null,
    code: item ? null : scan.code,
    reasons,
    supplierId: certificate?.supplierId ?? null,
    certificateId: certificate?.certificateId ?? null,
  };
}

export function wmsItem(item: FlagRecord['items'][number]): WmsItem {
  return {
    gtin: item.gtin,
    lot: item.lot,
    serial: item.serial,
    ...(item.sscc !== null && { sscc: item.sscc }),
    ...(item.code !== null && { code: item.code }),
    reasons: item.reasons.map((r) => r.code),
  };
}

/** A UUID (version 8, name-based) derived from the scan's eventId. */
function ownFlagId(eventId: string): string {
  const h = createHash('sha256').update(`flag\u0000${eventId}`).digest();
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
