import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import type { Role } from '../auth/roles';
import { assembleEvidenceBundle, EvidenceBundle } from './flag-evidence-bundle';
import { FlagEvidenceRepository } from './flag-evidence.repository';
import { FlagRecord, FlagsRepository } from './flags.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Roles that read every site's flags; a supervisor reads its own sites'. */
const READS_EVERY_SITE: readonly Role[] = ['admin', 'auditor', 'compliance'];

/** The evidence bundle of a flag, for authorities: everything read in one snapshot. */
@Injectable()
export class FlagEvidenceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly flags: FlagsRepository,
    private readonly evidence: FlagEvidenceRepository,
    private readonly audit: AuditService,
  ) {}

  bundle(principal: Principal, flagId: string): Promise<EvidenceBundle> {
    // One snapshot, so the flag, its evidence and the trail's head all describe the same moment.
    return this.dataSource.transaction('REPEATABLE READ', async (db) => {
      const flag = await this.visibleFlag(db, principal, flagId);
      const eventIds = flag.items.flatMap((i) => (i.eventId ? [i.eventId] : []));
      const certificateIds = unique(flag.items.map((i) => i.certificateId));
      const certificates = await this.evidence.storedCertificates(db, certificateIds);
      const clearances = await this.evidence.clearances(db, certificateIds);
      const rights = await this.evidence.rights(
        db,
        flag.siteId,
        unique(certificates.map((c) => c.gtin)),
        unique(clearances.flatMap((c) => c.rightIds)),
      );
      const objects = [
        { objectType: 'flag', objectId: flag.flagId },
        ...certificateIds.map((objectId) => ({ objectType: 'certificate', objectId })),
        ...unique(certificates.map((c) => c.supplierId)).map((objectId) => ({
          objectType: 'supplier',
          objectId,
        })),
        ...clearances.map((c) => ({ objectType: 'clearance', objectId: c.clearanceId })),
        ...rights.map((r) => ({ objectType: 'ip-right', objectId: r.rightId })),
        ...(flag.resolvedBy ? [{ objectType: 'api-key', objectId: flag.resolvedBy }] : []),
      ];
      return assembleEvidenceBundle(
        {
          flag,
          site: await this.evidence.site(db, flag.siteId),
          scans: await this.evidence.scans(db, eventIds),
          certificates,
          clearances,
          rights,
          decisionMaker: flag.resolvedBy ? await this.evidence.key(db, flag.resolvedBy) : null,
          auditEntries: await this.evidence.auditEntries(db, objects),
          trail: { ...(await this.audit.verify(db)), head: await this.evidence.chainHead(db) },
          requestedBy: principal.keyId,
        },
        new Date(),
      );
    });
  }

  /** As the flag detail: unknown is 404, another site's flag 403 (PRODUCT.md: outside scope). */
  private async visibleFlag(
    db: EntityManager,
    principal: Principal,
    flagId: string,
  ): Promise<FlagRecord> {
    const [flag] = UUID.test(flagId) ? await this.flags.load(db, [flagId]) : [];
    if (!flag) throw new NotFoundException(`flag ${flagId} does not exist`);
    if (!READS_EVERY_SITE.includes(principal.role) && !principal.siteIds.includes(flag.siteId))
      throw new ForbiddenException(`flag ${flagId} is not at one of this key's sites`);
    return flag;
  }
}

function unique(values: Array<string | null>): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))].sort();
}
