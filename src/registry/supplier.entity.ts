import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'suppliers' })
export class SupplierEntity {
  @PrimaryColumn({ name: 'supplier_id', type: 'text' }) supplierId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) country!: string;
  /** Ed25519, SPKI PEM: verifies the supplier's certificate signatures. */
  @Column({ name: 'public_key', type: 'text' }) publicKey!: string;
  @Column({ type: 'text' }) status!: 'active' | 'suspended';
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
