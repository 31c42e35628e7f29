import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'rejected_messages' })
export class RejectedMessageEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  // Part of the key because it is the partition key.
  @PrimaryColumn({ name: 'received_at', type: 'timestamptz' }) receivedAt!: Date;
  @Column({ type: 'text' }) source!: 'mqtt' | 'http';
  @Column({ type: 'text' }) topic!: string;
  @Column({ name: 'event_id', type: 'text', nullable: true }) eventId!: string | null;
  @Column({ type: 'text' }) reason!: string;
  /** The first bytes of the message as received (capped), kept for inspection. */
  @Column({ type: 'bytea' }) payload!: Buffer;
  @Column({ name: 'payload_bytes', type: 'integer' }) payloadBytes!: number;
  @Column({ name: 'payload_sha256', type: 'bytea' }) payloadSha256!: Buffer;
}
