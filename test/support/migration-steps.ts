import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { typeormOptions } from '../../src/database/typeorm-options';

type Migration = (typeof migrations)[number];

/**
 * A data source knowing the project's migrations up to `migration` (`through`: it included, else
 * the ones before it), running none by itself: a test of a migration over rows stored before it
 * runs the earlier ones, stores its rows, then runs or undoes that migration.
 */
export function dataSourceUntil(
  url: string,
  migration: Migration,
  through: boolean,
): Promise<DataSource> {
  const position = migrations.indexOf(migration);
  if (position < 0) throw new Error(`${migration.name} is not among the migrations`);
  return new DataSource({
    ...typeormOptions(url),
    migrations: migrations.slice(0, through ? position + 1 : position),
    migrationsRun: false,
  }).initialize();
}
