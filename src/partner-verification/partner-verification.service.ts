import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { CertificateFactsRepository } from '../verification/certificate-facts.repository';
import { HeldUnitsRepository } from './held-units.repository';
import { LvmAnswer, lvmAnswer, ProductIdentifier } from './lvm-decision';
import type { VerifyPath, VerifyQuery } from './verify-request.dto';

/** The LVM response body; `responderGLN` is left out until DockProof has a GLN of its own. */
export interface LvmResponse {
  verificationTimestamp: string;
  data: LvmAnswer;
  corrUUID: string;
}

/** Answers trading partners' GS1 LVM verification requests from the certificates and flags. */
@Injectable()
export class PartnerVerificationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly certificates: CertificateFactsRepository,
    private readonly heldUnits: HeldUnitsRepository,
    private readonly audit: AuditService,
  ) {}

  verify(actor: Principal, path: VerifyPath, query: VerifyQuery): Promise<LvmResponse> {
    const id: ProductIdentifier = {
      gtin: path.gtin,
      lot: path.lot ?? null,
      serial: path.serial,
      expiry: query['17'] ?? null,
    };
    // The answer and its audit entry commit together: no answer leaves without its record.
    return this.dataSource.transaction(async (db) => {
      const { gtin, lot, serial } = id;
      const [batch, anyLot] = await this.certificates.find(db, [
        { gtin, lot, serial },
        { gtin, lot: null, serial },
      ]);
      const heldBy = await this.heldUnits.heldBy(db, gtin, serial);
      const now = new Date();
      const response: LvmResponse = {
        verificationTimestamp: now.toISOString(),
        data: lvmAnswer(id, { batch, anyLot, heldBy }, now.toISOString().slice(0, 10)),
        corrUUID: query.corrUUID ?? randomUUID(),
      };
      await this.audit.append(db, {
        actor: actor.keyId,
        action: `partner-verification.${response.data.verified ? 'verified' : 'not-verified'}`,
        objectType: 'product',
        objectId: `01/${gtin}/21/${serial}`,
        payload: { request: { ...id, ...query }, response },
      });
      return response;
    });
  }
}
