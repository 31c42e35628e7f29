import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The look-ups of one unit in stock (`gtin = … AND serial = … AND state = 'in'`) matched this
 * partial index's predicate too, and before `units` was first analysed the planner chose it over
 * the primary key, reading every unit in stock of the batch per scan: 17 ms a look-up at 44,000
 * units, which the soak fault test showed as a backlog growing without bound. The revocation's
 * "units of a batch in stock" reads `units_batch` and filters on state instead.
 */
export class DropUnitsInByBatchIndex1795456800011 implements MigrationInterface {
  name = 'DropUnitsInByBatchIndex1795456800011';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX units_in_by_batch`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX units_in_by_batch ON units (gtin, lot) WHERE state = 'in'`);
  }
}
