import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { ApiKeyEntity } from '../auth/api-key.entity';
import { CertificateEntity } from '../certificates/certificate.entity';
import { SiteEntity } from '../registry/site.entity';
import { SupplierEntity } from '../registry/supplier.entity';
import { IpRightEntity } from '../registry/ip-right.entity';
import { ClearanceEntity } from '../registry/clearance.entity';
import {
  ManifestEntity,
  ManifestItemEntity,
  ManifestPalletEntity,
} from '../manifests/manifests.entities';
import { RejectedMessageEntity } from '../ingestion/rejected-message.entity';
import { ScanEntity } from '../ingestion/scan.entity';

export const entities = [
  ScanEntity,
  RejectedMessageEntity,
  CertificateEntity,
  ApiKeyEntity,
  SiteEntity,
  SupplierEntity,
  AuditEntryEntity,
  IpRightEntity,
  ClearanceEntity,
  ManifestEntity,
  ManifestPalletEntity,
  ManifestItemEntity,
];

/**
 * One definition for the app and the TypeORM CLI. The schema changes only through migrations,
 * all run in one transaction at start-up; `synchronize` stays off everywhere, tests included.
 */
export function typeormOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'all',
    synchronize: false,
    extra: {
      max: 10,
      application_name: 'dockproof',
      // Below the MQTT keepalive: a stalled statement must fail before the broker gives up on us.
      statement_timeout: 15_000,
      connectionTimeoutMillis: 10_000,
    },
  };
}
