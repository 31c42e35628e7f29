import type { CertificateEntity } from './certificate.entity';
import type { SerialRange } from './serial-ranges';

/** A stored certificate as the API shows it: everything but the serial list. */
export interface CertificateView {
  certificateId: string;
  supplierId: string;
  gtin: string;
  lot: string;
  countryOfOrigin: string | null;
  manufacturedOn: string | null;
  expiresOn: string | null;
  quantity: number | null;
  issuedAt: string | null;
  serialRanges: SerialRange[];
  listsSerials: boolean;
  serialCount: number;
  canonicalSha256: string;
  /** Always true: a certificate is stored only once its signature has verified. */
  signatureValid: true;
  uploadedAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
}

export function toCertificateView(row: CertificateEntity, ranges: SerialRange[]): CertificateView {
  return {
    certificateId: row.certificateId,
    supplierId: row.supplierId,
    gtin: row.gtin,
    lot: row.lot,
    countryOfOrigin: row.countryOfOrigin,
    manufacturedOn: row.manufacturedOn,
    expiresOn: row.expiresOn,
    quantity: row.quantity,
    issuedAt: row.issuedAt?.toISOString() ?? null,
    serialRanges: ranges,
    listsSerials: row.listsSerials,
    serialCount: row.serialCount,
    canonicalSha256: row.canonicalSha256,
    signatureValid: true,
    uploadedAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revokedReason: row.revokedReason,
  };
}
