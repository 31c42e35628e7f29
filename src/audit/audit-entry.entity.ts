import { Column, Entity, PrimaryColumn, ValueTransformer } from 'typeorm';

/** bigint arrives from pg as a string; seqs stay far below 2^53. */
const bigintAsNumber: ValueTransformer = {
  from: (value: string | null) => (value === null ? null : Number(value)),
  to: (value: number | undefined) => value,
};

/** For reads only: entries are appended by AuditService with raw SQL, never saved through TypeORM. */
@Entity({ name: 'audit_entries' })
export class AuditEntryEntity {
  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber }) seq!: number;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ type: 'text' }) actor!: string;
  @Column({ type: 'text' }) action!: string;
  @Column({ name: 'object_type', type: 'text' }) objectType!: string;
  @Column({ name: 'object_id', type: 'text' }) objectId!: string;
  @Column({ name: 'payload_sha256', type: 'text' }) payloadSha256!: string;
  @Column({ name: 'prev_hash', type: 'text' }) prevHash!: string;
  @Column({ type: 'text' }) hash!: string;
}
