/** One entry of the audit trail as stored; `at` has millisecond precision, hashes are hex SHA-256. */
export interface AuditEntry {
  seq: number;
  at: Date;
  /** The API key id, or `system`. */
  actor: string;
  /** e.g. `api-key.issued`, `certificate.revoked`, `flag.opened`. */
  action: string;
  objectType: string;
  objectId: string;
  payloadSha256: string;
  prevHash: string;
  hash: string;
}

/** What a caller records; the service adds seq, time and hashes. */
export interface AuditInput {
  actor: string;
  action: string;
  objectType: string;
  objectId: string;
  /** Hashed as canonical JSON; only the hash is stored. */
  payload: unknown;
}

export interface ChainVerification {
  ok: boolean;
  entries: number;
  /** The seq of the first entry that does not verify (or is missing). */
  firstBadEntry?: number;
}
