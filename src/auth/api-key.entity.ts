import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from './roles';

@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn({ name: 'key_id', type: 'text' }) keyId!: string;
  @Column({ type: 'text' }) role!: Role;
  @Column({ name: 'supplier_id', type: 'text', nullable: true }) supplierId!: string | null;
  @Column({ name: 'site_ids', type: 'text', array: true }) siteIds!: string[];
  @Column({ type: 'text' }) label!: string;
  /** SHA-256 of the key: keys are long random strings, so a fast hash is enough and allows lookup. */
  @Column({ name: 'key_sha256', type: 'text' }) keySha256!: string;
  /** The same key hashed the way Mosquitto's password file wants it (PBKDF2-SHA512). */
  @Column({ name: 'mosquitto_hash', type: 'text', nullable: true }) mosquittoHash!: string | null;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
}
