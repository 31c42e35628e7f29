import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SETTINGS } from '../config/config.module';
import type { Settings } from '../config/settings';
import { TableStatisticsService } from './table-statistics.service';
import { typeormOptions } from './typeorm-options';

export class DatabaseNotDurableError extends Error {}

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [SETTINGS],
      useFactory: (settings: Settings) => {
        if (!settings.DATABASE_URL)
          throw new Error('DATABASE_URL must be resolved before start-up');
        return { ...typeormOptions(settings.DATABASE_URL), retryAttempts: 3, retryDelay: 1000 };
      },
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        await assertDurableCommits(dataSource);
        return dataSource;
      },
    }),
  ],
  providers: [TableStatisticsService],
})
export class DatabaseModule {}

/** Acknowledging a scan after "commit" means nothing if the commit is not on disk. */
async function assertDurableCommits(dataSource: DataSource): Promise<void> {
  const [{ synchronous_commit }] = await dataSource.query('SHOW synchronous_commit');
  const [{ fsync }] = await dataSource.query('SHOW fsync');
  if (synchronous_commit === 'off' || fsync !== 'on') {
    await dataSource.destroy();
    throw new DatabaseNotDurableError(
      `PostgreSQL must run with synchronous_commit on and fsync on (found synchronous_commit=${synchronous_commit}, fsync=${fsync})`,
    );
  }
}
