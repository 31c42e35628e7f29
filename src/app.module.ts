import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CertificatesModule } from './certificates/certificates.module';
import { ApiKeyThrottlerGuard } from './auth/api-key-throttler.guard';
import { RegistryModule } from './registry/registry.module';
import { ConfigModule } from './config/config.module';
import { ConsoleModule } from './console/console.module';
import type { Settings } from './config/settings';
import { DatabaseModule } from './database/database.module';
import { EpcisModule } from './epcis/epcis.module';
import { FlagsModule } from './flags/flags.module';
import { HealthModule } from './health/health.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { KpisModule } from './kpis/kpis.module';
import { LoggingModule } from './logging/logging.module';
import { ManifestsModule } from './manifests/manifests.module';
import { MetricsModule } from './metrics/metrics.module';
import { PartnerVerificationModule } from './partner-verification/partner-verification.module';
import { WmsModule } from './wms/wms.module';

@Module({})
export class AppModule {
  /** `settings.DATABASE_URL` is resolved by then (the embedded PostgreSQL starts before Nest). */
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(settings),
        LoggingModule,
        DatabaseModule,
        MetricsModule,
        ThrottlerModule.forRoot({ throttlers: [{ name: 'default', ttl: 1000, limit: 200 }] }),
        AuditModule,
        AuthModule,
        RegistryModule,
        CertificatesModule,
        ManifestsModule,
        FlagsModule,
        WmsModule,
        IngestionModule,
        EpcisModule,
        KpisModule,
        PartnerVerificationModule,
        HealthModule,
        ConsoleModule,
      ],
      providers: [{ provide: APP_GUARD, useClass: ApiKeyThrottlerGuard }],
    };
  }
}
