import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'sites' })
export class SiteEntity {
  @PrimaryColumn({ name: 'site_id', type: 'text' }) siteId!: string;
  @Column({ type: 'text' }) name!: string;
  /** ISO 3166-1 alpha-2: the market whose IP rules apply at this site. */
  @Column({ type: 'text' }) country!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
