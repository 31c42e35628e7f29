import type { AuditEntry, ChainVerification } from '../audit/audit-entry';
import { ChainLink, entryHash, payloadHash, ZERO_HASH } from '../audit/audit-hash';
import type { Reason } from '../verification/verdict';
import type {
  FlagClearance,
  FlagScan,
  IpRightRecord,
  KeyRecord,
  LinkedAuditEntry,
  SiteRecord,
  StoredCertificate,
} from './flag-evidence.repository';
import { FlagTimelineEntry, FlagView, timelineOf, toFlagView } from './flag-view';
import type { FlagRecord } from './flags.repository';
import { rebuildSignedCertificate, SignatureCheck, SignedCertificate } from './signed-certificate';

export const EVIDENCE_FORMAT = 'dockproof-evidence-bundle/1';

/** What the service read, in one snapshot, for the bundle of one flag. */
export interface EvidenceFacts {
  flag: FlagRecord;
  site: SiteRecord | null;
  scans: FlagScan[];
  certificates: StoredCertificate[];
  clearances: FlagClearance[];
  rights: IpRightRecord[];
  decisionMaker: KeyRecord | null;
  auditEntries: LinkedAuditEntry[];
  trail: ChainVerification & { head: ChainLink };
  requestedBy: string;
}

export interface EvidenceItem {
  eventId: string | null;
  gtin: string | null;
  lot: string | null;
  serial: string | null;
  sscc: string | null;
  code: string | null;
  reasons: Reason[];
  certificateId: string | null;
  supplierId: string | null;
  addedAt: string;
}

export interface EvidenceCertificate {
  certificateId: string;
  supplierId: string;
  supplierName: string | null;
  uploadedAt: string;
  uploadedBy: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
  signed: { certificate: SignedCertificate; signature: string };
  supplierPublicKey: string | null;
  signatureCheck: SignatureCheck;
}

export interface EvidenceDecision {
  action: 'release' | 'quarantine';
  status: 'released' | 'quarantined';
  by: string;
  byRole: string | null;
  byLabel: string | null;
  at: string;
  note: string | null;
  /** What the decision's audit entry hashed as its payload (RFC 8785 canonical JSON, SHA-256). */
  auditPayload: { flagId: string; siteId: string; status: string; note: string | null };
  /** The `flag.<status>` entry, and whether `auditPayload` hashes to its payloadSha256. */
  auditEntry: { seq: number; payloadMatches: boolean } | null;
}

export type EvidenceAuditEntry = Omit<AuditEntry, 'at'> & {
  at: string;
  /** Its hash recomputes from its fields. */
  hashValid: boolean;
  /** Its prevHash is the stored hash of the entry before it in the trail. */
  linked: boolean;
};

export interface EvidenceAudit {
  entries: EvidenceAuditEntry[];
  /** DockProof's recomputation of the whole trail, up to the head read with this bundle. */
  trail: ChainVerification & { head: ChainLink };
  /** Every entry here recomputes and links, and the whole trail verifies. */
  verifies: boolean;
  howToVerify: typeof HOW_TO_VERIFY;
}

export interface EvidenceBundle {
  format: typeof EVIDENCE_FORMAT;
  generatedAt: string;
  generatedBy: string;
  flag: Omit<FlagView, 'items'> & { site: SiteRecord | null };
  items: EvidenceItem[];
  timeline: FlagTimelineEntry[];
  scans: FlagScan[];
  certificates: EvidenceCertificate[];
  clearances: FlagClearance[];
  rights: IpRightRecord[];
  decision: EvidenceDecision | null;
  audit: EvidenceAudit;
}

/** The statement of src/audit/audit-hash.ts's entry hash, for a reader without DockProof. */
export const HOW_TO_VERIFY = {
  algorithm: 'SHA-256 over UTF-8 bytes, written as lowercase hex',
  hashedFields: [
    '"dockproof-audit-v1" (the hash version)',
    'prevHash',
    'seq, as a decimal string',
    'at, ISO 8601 in UTC with milliseconds, exactly as listed',
    'actor',
    'action',
    'objectType',
    'objectId',
    'payloadSha256',
  ],
  canonicalForm:
    'hash = SHA-256 of the JSON array of those nine strings in that order, without whitespace, strings escaped as RFC 8785 (and JSON.stringify) escape them: ["dockproof-audit-v1","<prevHash>","<seq>","<at>","<actor>","<action>","<objectType>","<objectId>","<payloadSha256>"]',
  example:
    'printf \'%s\' \'["dockproof-audit-v1","<prevHash>","<seq>","<at>","<actor>","<action>","<objectType>","<objectId>","<payloadSha256>"]\' | sha256sum',
  chain:
    "Each entry's prevHash is the hash of the entry with the seq before it (64 zeros before seq 1). Entries of other objects lie between those listed here: 'linked' says the stored hash of the entry before matches, and 'trail' is the recomputation of every entry up to the head (GET /api/v1/audit/verify, or npm run audit:verify with database access). Keep trail.head: a later trail must still contain this seq with this hash.",
  payload:
    'payloadSha256 is the SHA-256 of the RFC 8785 canonical JSON of what the change recorded; only the hash is stored. For flag.released and flag.quarantined that is decision.auditPayload, so the note and status above can be checked against the trail.',
} as const;

const ACTION_OF = { released: 'release', quarantined: 'quarantine' } as const;

export function assembleEvidenceBundle(facts: EvidenceFacts, now: Date): EvidenceBundle {
  const { items: _items, ...flag } = toFlagView(facts.flag);
  const entries = facts.auditEntries.map(checkedEntry);
  return {
    format: EVIDENCE_FORMAT,
    generatedAt: now.toISOString(),
    generatedBy: facts.requestedBy,
    flag: { ...flag, site: facts.site },
    items: facts.flag.items.map((item) => ({
      eventId: item.eventId,
      gtin: item.gtin,
      lot: item.lot,
      serial: item.serial,
      sscc: item.sscc,
      code: item.code,
      reasons: item.reasons,
      certificateId: item.certificateId,
      supplierId: item.supplierId,
      addedAt: item.addedAt.toISOString(),
    })),
    timeline: timelineOf(facts.flag),
    scans: facts.scans,
    certificates: facts.certificates.map((c) => evidenceCertificate(c, now)),
    clearances: facts.clearances,
    rights: facts.rights,
    decision: decisionOf(facts),
    audit: {
      entries,
      trail: facts.trail,
      verifies: facts.trail.ok && entries.every((e) => e.hashValid && e.linked),
      howToVerify: HOW_TO_VERIFY,
    },
  };
}

function evidenceCertificate(stored: StoredCertificate, now: Date): EvidenceCertificate {
  const rebuilt = rebuildSignedCertificate(stored, now);
  return {
    certificateId: stored.certificateId,
    supplierId: stored.supplierId,
    supplierName: stored.supplierName,
    uploadedAt: stored.uploadedAt,
    uploadedBy: stored.uploadedBy,
    revokedAt: stored.revokedAt,
    revokedReason: stored.revokedReason,
    signed: { certificate: rebuilt.certificate, signature: rebuilt.signature },
    supplierPublicKey: stored.publicKey,
    signatureCheck: rebuilt.signatureCheck,
  };
}

function decisionOf({ flag, decisionMaker, auditEntries }: EvidenceFacts): EvidenceDecision | null {
  if (flag.status === 'open' || !flag.resolvedAt || !flag.resolvedBy) return null;
  const auditPayload = {
    flagId: flag.flagId,
    siteId: flag.siteId,
    status: flag.status,
    note: flag.note,
  };
  const entry = auditEntries.find(
    (e) =>
      e.objectType === 'flag' && e.objectId === flag.flagId && e.action === `flag.${flag.status}`,
  );
  return {
    action: ACTION_OF[flag.status],
    status: flag.status,
    by: flag.resolvedBy,
    byRole: decisionMaker?.role ?? null,
    byLabel: decisionMaker?.label ?? null,
    at: flag.resolvedAt.toISOString(),
    note: flag.note,
    auditPayload,
    auditEntry: entry
      ? { seq: entry.seq, payloadMatches: payloadHash(auditPayload) === entry.payloadSha256 }
      : null,
  };
}

function checkedEntry({ predecessorHash, ...entry }: LinkedAuditEntry): EvidenceAuditEntry {
  return {
    ...entry,
    at: entry.at.toISOString(),
    hashValid: entryHash(entry.prevHash, entry) === entry.hash,
    linked: entry.prevHash === (entry.seq === 1 ? ZERO_HASH : predecessorHash),
  };
}
