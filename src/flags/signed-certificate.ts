import { sha256Hex, signatureVerifies, signedBytes } from '../certificates/certificate-signature';
import type { StoredCertificate } from './flag-evidence.repository';

/** The certificate object as its supplier signed it: the fields of PRODUCT.md's certificate. */
export type SignedCertificate = Record<string, unknown> & { certificateId: string };

export interface SignatureCheck {
  /** Whether the signature verifies now against the supplier's registered key. */
  valid: boolean;
  algorithm: 'Ed25519';
  signedBytes: string;
  /** SHA-256 of the canonical JSON the check ran over, and whether it is the one stored at upload. */
  canonicalSha256: string;
  matchesUploadedSha256: boolean;
  checkedAt: string;
  note?: string;
}

export interface RebuiltCertificate {
  certificate: SignedCertificate;
  signature: string;
  signatureCheck: SignatureCheck;
}

const SIGNED_BYTES = 'RFC 8785 canonical JSON of certificate, UTF-8';

/**
 * DockProof keeps a certificate's fields, serials and ranges, not the uploaded text. Its
 * canonical JSON (what the signature covers) depends only on content, except for two things
 * storage loses: the order of `serials` (rebuilt sorted) and how `issuedAt` was written (the
 * instant is kept, not its form). The forms a supplier plausibly wrote are tried, and the one
 * whose hash is the one computed at upload is the certificate as signed.
 */
export function rebuildSignedCertificate(stored: StoredCertificate, now: Date): RebuiltCertificate {
  let first: { certificate: SignedCertificate; bytes: Buffer; sha256: string } | undefined;
  let chosen: typeof first;
  // Lazily: a million serials make each candidate's canonical JSON some 15 MB.
  for (const issuedAt of issuedAtForms(stored.issuedAtUtc)) {
    const certificate = certificateOf(stored, issuedAt);
    const bytes = signedBytes(certificate);
    const candidate = { certificate, bytes, sha256: sha256Hex(bytes) };
    first ??= candidate;
    if (candidate.sha256 === stored.canonicalSha256) {
      chosen = candidate;
      break;
    }
  }
  const { certificate, bytes, sha256 } = chosen ?? first!;
  const matches = chosen !== undefined;
  const valid =
    stored.publicKey !== null && signatureVerifies(bytes, stored.signature, stored.publicKey);
  return {
    certificate,
    signature: stored.signature,
    signatureCheck: {
      valid,
      algorithm: 'Ed25519',
      signedBytes: SIGNED_BYTES,
      canonicalSha256: sha256,
      matchesUploadedSha256: matches,
      checkedAt: now.toISOString(),
      ...(!valid && { note: failureNote(stored, matches) }),
    },
  };
}

function certificateOf(stored: StoredCertificate, issuedAt: string | undefined): SignedCertificate {
  const optional = {
    countryOfOrigin: stored.countryOfOrigin ?? undefined,
    manufacturedOn: stored.manufacturedOn ?? undefined,
    expiresOn: stored.expiresOn ?? undefined,
    quantity: stored.quantity ?? undefined,
    // Array.prototype.sort: UTF-16 code units, the order RFC 8785 itself uses for names.
    serials: stored.serials.length ? [...stored.serials].sort() : undefined,
    serialRanges: stored.serialRanges.length ? stored.serialRanges : undefined,
    issuedAt,
  };
  return {
    certificateId: stored.certificateId,
    supplierId: stored.supplierId,
    gtin: stored.gtin,
    lot: stored.lot,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

/**
 * `2026-10-02T08:00:00.000000` → the ways an ISO 8601 UTC instant is usually written,
 * `toISOString`'s first: `…00.000Z`, then `…00Z` and `…00.000000Z`, each also with `+00:00`.
 */
export function issuedAtForms(utc: string | null): Array<string | undefined> {
  if (utc === null) return [undefined];
  const [seconds, micros] = utc.split('.');
  const trimmed = micros.replace(/0+$/, '');
  const fractions = new Set<string>();
  if (micros.endsWith('000')) fractions.add(`.${micros.slice(0, 3)}`);
  fractions.add(trimmed ? `.${trimmed}` : '');
  fractions.add(`.${micros}`);
  return [...fractions].flatMap((f) => [`${seconds}${f}Z`, `${seconds}${f}+00:00`]);
}

function failureNote(stored: StoredCertificate, matches: boolean): string {
  if (stored.publicKey === null) return `supplier ${stored.supplierId} is no longer registered`;
  if (matches)
    return 'the certificate is as uploaded, but the signature does not verify against the supplier key registered now (the key was changed, or the stored signature altered)';
  return 'the stored certificate no longer hashes to what was uploaded: its stored fields were altered, or it was signed with serials out of order or issuedAt written with a time-zone offset, which storage does not keep';
}
