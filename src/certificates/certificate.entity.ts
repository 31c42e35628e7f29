import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'certificates' })
export class CertificateEntity {
  @PrimaryColumn({ name: 'certificate_id', type: 'text' }) certificateId!: string;
  @Column({ name: 'supplier_id', type: 'text' }) supplierId!: string;
  @Column({ type: 'text' }) gtin!: string;
  @Column({ type: 'text' }) lot!: string;
  @Column({ name: 'country_of_origin', type: 'text', nullable: true })
  countryOfOrigin!: string | null;
  @Column({ name: 'manufactured_on', type: 'date', nullable: true })
  manufacturedOn!: string | null;
  @Column({ name: 'expires_on', type: 'date', nullable: true }) expiresOn!: string | null;
  @Column({ type: 'integer', nullable: true }) quantity!: number | null;
  @Column({ name: 'issued_at', type: 'timestamptz', nullable: true }) issuedAt!: Date | null;
  /** True when the certificate gave `serials` or `serialRanges`: a scan must then be among them. */
  @Column({ name: 'lists_serials', type: 'boolean' }) listsSerials!: boolean;
  @Column({ name: 'serial_count', type: 'integer' }) serialCount!: number;
  /** SHA-256 of the RFC 8785 canonical JSON the signature covers: tells a re-upload from a change. */
  @Column({ name: 'canonical_sha256', type: 'text' }) canonicalSha256!: string;
  @Column({ type: 'text' }) signature!: string;
  @Column({ name: 'uploaded_by', type: 'text', nullable: true }) uploadedBy!: string | null;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
  @Column({ name: 'revoked_reason', type: 'text', nullable: true }) revokedReason!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
