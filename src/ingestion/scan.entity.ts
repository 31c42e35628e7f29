import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Verdict } from '../verification/verdict';

@Entity({ name: 'scans' })
export class ScanEntity {
  @PrimaryColumn({ name: 'event_id', type: 'text' }) eventId!: string;
  @Column({ name: 'site_id', type: 'text' }) siteId!: string;
  @Column({ name: 'dock_id', type: 'text' }) dockId!: string;
  @Column({ name: 'scanner_id', type: 'text' }) scannerId!: string;
  @Column({ type: 'text' }) direction!: 'inbound' | 'outbound';
  @Column({ name: 'scanned_at', type: 'timestamptz' }) scannedAt!: Date;
  // Part of the key because it is the partition key; an eventId is still stored once (ScansRepository).
  @PrimaryColumn({ name: 'received_at', type: 'timestamptz' }) receivedAt!: Date;
  @Column({ type: 'text' }) source!: 'mqtt' | 'http';
  @Column({ type: 'text' }) code!: string;
  @Column({ name: 'pallet_sscc', type: 'text', nullable: true }) palletSscc!: string | null;
  @Column({ type: 'text', nullable: true }) gtin!: string | null;
  @Column({ type: 'text', nullable: true }) lot!: string | null;
  @Column({ type: 'text', nullable: true }) serial!: string | null;
  @Column({ type: 'date', nullable: true }) expiry!: string | null;
  @Column({ type: 'text', nullable: true }) sscc!: string | null;
  @Column({ type: 'text' }) status!: 'verified' | 'suspicious';
  @Column({ name: 'reason_codes', type: 'text', array: true }) reasonCodes!: string[];
  @Column({ type: 'jsonb' }) verdict!: Verdict;
}
