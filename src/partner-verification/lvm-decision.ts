import type { CertificateMatch } from '../verification/certificate-facts.repository';

/**
 * `verificationFailureReason` values of the GS1 Lightweight Messaging Standard for Verification
 * of Product Identifiers, spelt as the standard has them. The standard has no `No_match_GTIN`:
 * an unknown GTIN is `No_match_GTIN_Serial`.
 */
export type LvmFailureReason =
  | 'No_match_GTIN_Serial'
  | 'No_match_GTIN_Serial_Lot'
  | 'No_match_GTIN_Serial_Expiry'
  | 'No_match_GTIN_Serial_Lot_Expiry'
  | 'No_reason_provided';

/** The `additionalInfo` values DockProof can know; the standard has more (`Illegitimate`, …). */
export type LvmAdditionalInfo = 'Recalled' | 'Suspect' | 'Expired';

export interface LvmAnswer {
  verified: boolean;
  verificationFailureReason?: LvmFailureReason;
  additionalInfo?: LvmAdditionalInfo;
}

/** The product identifier a trading partner asks about; dates are ISO `YYYY-MM-DD`. */
export interface ProductIdentifier {
  gtin: string;
  /** Null when the link carries no `/10/{lot}`. */
  lot: string | null;
  serial: string;
  expiry: string | null;
}

export interface LvmFacts {
  /** The certificate of the GTIN and requested lot (null without a lot), as verification finds it. */
  batch: CertificateMatch | null;
  /** The certificate of the GTIN that lists the serial, of any lot. */
  anyLot: CertificateMatch | null;
  /** The open or quarantined flag holding this GTIN + serial, if any. */
  heldBy: string | null;
}

/**
 * Pure: the LVM answer for one product identifier. The identifier matches when a certificate lists
 * the GTIN + serial; its lot and expiry must then agree. A revoked certificate proves nothing about
 * provenance (as at the docks), so a recalled unit is not verified either.
 */
export function lvmAnswer(id: ProductIdentifier, facts: LvmFacts, today: string): LvmAnswer {
  const listing = [facts.batch, facts.anyLot].find((m) => m?.serialListed === true) ?? null;
  const info = additionalInfo(listing, id, facts, today);
  if (!listing)
    return withInfo({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial' }, info);
  const cert = listing.certificate;
  const lotDiffers = id.lot !== null && cert.lot !== id.lot;
  const expiryDiffers =
    id.expiry !== null && cert.expiresOn !== null && cert.expiresOn !== id.expiry;
  const mismatch = failureReason(lotDiffers, expiryDiffers);
  if (mismatch) return withInfo({ verified: false, verificationFailureReason: mismatch }, info);
  if (cert.revoked)
    return withInfo({ verified: false, verificationFailureReason: 'No_reason_provided' }, info);
  return withInfo({ verified: true }, info);
}

function failureReason(lotDiffers: boolean, expiryDiffers: boolean): LvmFailureReason | null {
  if (lotDiffers && expiryDiffers) return 'No_match_GTIN_Serial_Lot_Expiry';
  if (lotDiffers) return 'No_match_GTIN_Serial_Lot';
  if (expiryDiffers) return 'No_match_GTIN_Serial_Expiry';
  return null;
}

// The standard's additionalInfo is one value: the most consequential one that applies.
function additionalInfo(
  listing: CertificateMatch | null,
  id: ProductIdentifier,
  facts: LvmFacts,
  today: string,
): LvmAdditionalInfo | null {
  if (listing?.certificate.revoked) return 'Recalled';
  if (facts.heldBy !== null) return 'Suspect';
  const expiry = listing ? (listing.certificate.expiresOn ?? id.expiry) : null;
  if (expiry !== null && expiry < today) return 'Expired';
  return null;
}

function withInfo(answer: LvmAnswer, info: LvmAdditionalInfo | null): LvmAnswer {
  return info ? { ...answer, additionalInfo: info } : answer;
}
