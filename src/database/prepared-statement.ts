import type { PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';

const names = new Set<string>();

/**
 * A statement PostgreSQL parses and plans once per connection (a named prepared statement). For
 * the statements every scan commit runs: with batches of tens of scans, parsing and planning them
 * afresh cost PostgreSQL a third as much again as running them.
 */
export class PreparedStatement<Row> {
  constructor(
    /** Unique in the process: a connection refuses a second text under a name it has prepared. */
    readonly name: string,
    readonly text: string,
  ) {
    if (names.has(name)) throw new Error(`prepared statement ${name} is defined twice`);
    names.add(name);
  }

  /** Runs on the transaction's connection; without a transaction, as a plain query. */
  async run(db: EntityManager, values: unknown[]): Promise<Row[]> {
    const runner = db.queryRunner;
    if (!runner || runner.isReleased) return db.query(this.text, values);
    const client = (await runner.connect()) as PoolClient;
    const result = await client.query<Row & object>({ name: this.name, text: this.text, values });
    return result.rows;
  }
}

export function prepared<Row = unknown>(name: string, text: string): PreparedStatement<Row> {
  return new PreparedStatement<Row>(name, text);
}
