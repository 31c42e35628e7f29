import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { CreateManifest } from './manifests.dto';

@Entity({ name: 'manifests' })
export class ManifestEntity {
  @PrimaryColumn({ name: 'manifest_id', type: 'text' }) manifestId!: string;
  @Column({ name: 'supplier_id', type: 'text' }) supplierId!: string;
  @Column({ name: 'carrier_id', type: 'text' }) carrierId!: string;
  @Column({ name: 'site_id', type: 'text' }) siteId!: string;
  /** The manifest as accepted: what a repeated upload is compared with. */
  @Column({ type: 'jsonb' }) content!: CreateManifest;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity({ name: 'manifest_pallets' })
export class ManifestPalletEntity {
  @PrimaryColumn({ name: 'manifest_id', type: 'text' }) manifestId!: string;
  @PrimaryColumn({ type: 'text' }) sscc!: string;
  @Column({ name: 'site_id', type: 'text' }) siteId!: string;
}

/** One row per listed serial, or one row with a quantity (serial null) for an item without serials. */
@Entity({ name: 'manifest_items' })
export class ManifestItemEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'manifest_id', type: 'text' }) manifestId!: string;
  @Column({ type: 'text' }) sscc!: string;
  @Column({ type: 'text' }) gtin!: string;
  @Column({ type: 'text' }) lot!: string;
  @Column({ type: 'text', nullable: true }) serial!: string | null;
  @Column({ type: 'integer', nullable: true }) quantity!: number | null;
}
