import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'ip_rights' })
export class IpRightEntity {
  @PrimaryColumn({ name: 'right_id', type: 'text' }) rightId!: string;
  @Column({ type: 'text' }) kind!: 'trademark' | 'design' | 'copyright';
  @Column({ type: 'text' }) title!: string;
  @Column({ type: 'text' }) owner!: string;
  @Column({ name: 'registration_number', type: 'text' }) registrationNumber!: string;
  /** Market codes as registered (countries, EU, EEA). */
  @Column({ type: 'text', array: true }) jurisdictions!: string[];
  /** `jurisdictions` expanded to countries: what a site's country is matched against. */
  @Column({ type: 'text', array: true }) countries!: string[];
  @Column({ name: 'gtin_prefixes', type: 'text', array: true }) gtinPrefixes!: string[];
  /** ISO dates, both days included. */
  @Column({ name: 'valid_from', type: 'date' }) validFrom!: string;
  @Column({ name: 'valid_until', type: 'date' }) validUntil!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
