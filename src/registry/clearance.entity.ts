import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'ip_clearances' })
export class ClearanceEntity {
  @PrimaryColumn({ name: 'clearance_id', type: 'text' }) clearanceId!: string;
  @Column({ name: 'supplier_id', type: 'text' }) supplierId!: string;
  @Column({ type: 'text' }) gtin!: string;
  /** Null: every lot of the GTIN. */
  @Column({ type: 'text', nullable: true }) lot!: string | null;
  @Column({ type: 'text', array: true }) markets!: string[];
  /** `markets` expanded to countries. */
  @Column({ type: 'text', array: true }) countries!: string[];
  @Column({ name: 'right_ids', type: 'text', array: true }) rightIds!: string[];
  @Column({ name: 'valid_from', type: 'date' }) validFrom!: string;
  @Column({ name: 'valid_until', type: 'date' }) validUntil!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
