import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from './config/config.module';
import type { Settings } from './config/settings';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { IngestionModule } from './ingestion/ingestion.module';

@Module({})
export class AppModule {
  /** `settings.DATABASE_URL` is resolved by then (the embedded PostgreSQL starts before Nest). */
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(settings), DatabaseModule, IngestionModule, HealthModule],
    };
  }
}
