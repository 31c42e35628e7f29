import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'certificates' })
export class CertificateEntity {
  @PrimaryColumn({ name: 'certificate_id', type: 'text' }) certificateId!: string;
  @Column({ name: 'supplier_id', type: 'text' }) supplierId!: string;
  @Column({ type: 'text' }) gtin!: string;
  @Column({ type: 'text' }) lot!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
