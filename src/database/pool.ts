import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The `pg` pool behind TypeORM's PostgreSQL driver, for what TypeORM has no API for: a session
 * of its own (LISTEN, a session-level advisory lock) and the pool's own counts. Undefined until
 * the data source is initialised.
 */
export function pgPoolOf(dataSource: DataSource): Pool | undefined {
  return (dataSource.driver as unknown as { master?: Pool }).master;
}
