import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { lockBatches } from '../database/batch-locks';
import { FlagsService } from '../flags/flags.service';
import type { Created } from '../registry/create-once';
import type { Principal } from '../auth/principal';
import { SupplierEntity } from '../registry/supplier.entity';
import type { Certificate, UploadCertificate } from './certificate.dto';
import { findRanges, insertRanges, insertSerials } from './certificate-serials.store';
import { sha256Hex, signatureVerifies, signedBytes } from './certificate-signature';
import { CertificateView, toCertificateView } from './certificate-view';
import { CertificateEntity } from './certificate.entity';
import { serialCount } from './serial-ranges';

interface VerifiedUpload {
  certificate: Certificate;
  signature: string;
  canonicalSha256: string;
}

/**
 * Signed batch certificates. An upload is stored only when it verifies against its supplier's
 * key; the same certificate again is a no-op, different content under the same id a conflict.
 */
@Injectable()
export class CertificatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly flags: FlagsService,
  ) {}

  async upload(actor: Principal, body: UploadCertificate): Promise<Created<CertificateView>> {
    const { certificate, signature } = body;
    if (actor.supplierId !== certificate.supplierId)
      throw new ForbiddenException(`this key is not for supplier ${certificate.supplierId}`);
    const bytes = signedBytes(certificate);
    await this.assertSignedBySupplier(certificate.supplierId, bytes, signature);
    const upload = { certificate, signature, canonicalSha256: sha256Hex(bytes) };
    return this.dataSource.transaction(async (db) => {
      if (!(await insertCertificate(db, actor, upload))) {
        return { created: false, value: await sameOrConflict(db, upload) };
      }
      await assertBatchIsSuppliers(db, certificate);
      await this.storeSerials(db, certificate);
      await this.audit.append(db, {
        actor: actor.keyId,
        action: 'certificate.uploaded',
        objectType: 'certificate',
        objectId: certificate.certificateId,
        payload: auditedUpload(upload),
      });
      return { created: true, value: await this.view(db, certificate.certificateId) };
    });
  }

  /** A supplier key sees only its own supplier's certificates; any other is "not found". */
  get(actor: Principal, certificateId: string): Promise<CertificateView> {
    return this.dataSource.transaction(async (db) => {
      await findVisible(db, actor, certificateId);
      return this.view(db, certificateId);
    });
  }

  /** Idempotent: revoking a revoked certificate changes nothing and keeps the first reason. */
  revoke(actor: Principal, certificateId: string, reason: string): Promise<CertificateView> {
    return this.dataSource.transaction(async (db) => {
      const found = await findVisible(db, actor, certificateId);
      await lockBatches(db, 'certificate', [found]);
      // Read again under the lock: a revocation racing this one may have committed meanwhile.
      const row = await findVisible(db, actor, certificateId, true);
      if (row.revokedAt) return this.view(db, certificateId);
      const at = new Date();
      await db.update(
        CertificateEntity,
        { certificateId },
        { revokedAt: at, revokedReason: reason },
      );
      // The units already in: flagged and held in the WMS in this same transaction.
      const flagged = await this.flags.holdRevokedBatch(db, row, reason, at);
      await this.audit.append(db, {
        actor: actor.keyId,
        action: 'certificate.revoked',
        objectType: 'certificate',
        objectId: certificateId,
        payload: { certificateId, reason, unitsFlagged: flagged },
      });
      return this.view(db, certificateId);
    });
  }

  private async assertSignedBySupplier(supplierId: string, bytes: Buffer, signature: string) {
    const supplier = await this.dataSource.manager.findOneBy(SupplierEntity, { supplierId });
    if (!supplier)
      throw new UnprocessableEntityException(`supplier ${supplierId} is not registered`);
    if (!signatureVerifies(bytes, signature, supplier.publicKey)) {
      throw new UnprocessableEntityException(
        `the signature does not verify against supplier ${supplierId}'s public key over the RFC 8785 canonical JSON of certificate`,
      );
    }
  }

  private async storeSerials(db: EntityManager, certificate: Certificate): Promise<void> {
    await insertSerials(db, certificate, certificate.serials ?? []);
    await insertRanges(db, certificate, certificate.serialRanges ?? []);
  }

  private async view(db: EntityManager, certificateId: string): Promise<CertificateView> {
    const row = await db.findOneByOrFail(CertificateEntity, { certificateId });
    return toCertificateView(row, await findRanges(db, certificateId));
  }
}

/** False when a certificate with this id is already there (or being stored by another upload). */
async function insertCertificate(
  db: EntityManager,
  actor: Principal,
  { certificate: c, signature, canonicalSha256 }: VerifiedUpload,
): Promise<boolean> {
  const result = await db
    .createQueryBuilder()
    .insert()
    .into(CertificateEntity)
    .values({
      certificateId: c.certificateId,
      supplierId: c.supplierId,
      gtin: c.gtin,
      lot: c.lot,
      countryOfOrigin: c.countryOfOrigin ?? null,
      manufacturedOn: c.manufacturedOn ?? null,
      expiresOn: c.expiresOn ?? null,
      quantity: c.quantity ?? null,
      issuedAt: c.issuedAt ? new Date(c.issuedAt) : null,
      listsSerials: c.serials !== undefined || c.serialRanges !== undefined,
      serialCount: serialCount(c.serials, c.serialRanges),
      canonicalSha256,
      signature,
      uploadedBy: actor.keyId,
    })
    .orIgnore()
    .returning(['certificateId'])
    .execute();
  return (result.raw as unknown[]).length > 0;
}

async function sameOrConflict(db: EntityManager, upload: VerifiedUpload): Promise<CertificateView> {
  const { certificateId } = upload.certificate;
  const stored = await db.findOneByOrFail(CertificateEntity, { certificateId });
  if (stored.canonicalSha256 !== upload.canonicalSha256 || stored.signature !== upload.signature)
    throw new ConflictException(
      `certificate ${certificateId} already exists with different content`,
    );
  return toCertificateView(stored, await findRanges(db, certificateId));
}

/**
 * A batch (GTIN + lot) is one supplier's: another supplier's certificate for it would let that
 * supplier hide a revocation or bring its own clearances. The lock serialises racing uploads.
 */
async function assertBatchIsSuppliers(db: EntityManager, c: Certificate): Promise<void> {
  await lockBatches(db, 'ownership', [c]);
  const others: Array<{ supplier_id: string }> = await db.query(
    `SELECT supplier_id FROM certificates
      WHERE gtin = $1 AND lot = $2 AND supplier_id <> $3 AND certificate_id <> $4 LIMIT 1`,
    [c.gtin, c.lot, c.supplierId, c.certificateId],
  );
  if (others.length)
    throw new ConflictException(
      `GTIN ${c.gtin} lot ${c.lot} is already certified by supplier ${others[0].supplier_id}`,
    );
}

async function findVisible(
  db: EntityManager,
  actor: Principal,
  certificateId: string,
  forUpdate = false,
): Promise<CertificateEntity> {
  const row = await db.findOne(CertificateEntity, {
    where: { certificateId },
    ...(forUpdate && { lock: { mode: 'pessimistic_write' as const } }),
  });
  if (!row) throw new NotFoundException(`certificate ${certificateId} does not exist`);
  // PRODUCT.md: outside its scope a key gets 403.
  if (actor.role === 'supplier' && row.supplierId !== actor.supplierId)
    throw new ForbiddenException(
      `certificate ${certificateId} is not supplier ${actor.supplierId}'s`,
    );
  return row;
}

function auditedUpload({ certificate, canonicalSha256 }: VerifiedUpload): object {
  const { serials, ...rest } = certificate;
  return { ...rest, serialCount: serialCount(serials, certificate.serialRanges), canonicalSha256 };
}
