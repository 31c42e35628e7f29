import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The one place month partitions are made, by the migration below and by ScanPartitionsService.
 * A month is a UTC month; bounds are written with their offset so the session's TimeZone cannot
 * shift them. A new partition is filled first and attached after: ATTACH takes only a SHARE UPDATE
 * EXCLUSIVE lock on the parent (CREATE … PARTITION OF would stop every scan insert while it waits),
 * and rows that fell into the DEFAULT partition for want of their month move into it on the way.
 * Callers serialise (the service holds an advisory lock; the migration runs alone).
 *
 * `unique_column`: a unique index of its own in each partition. A look-up by that column alone
 * (a scan's eventId) then plans as one index probe per partition whatever the statistics say; with
 * only the (event_id, received_at) key, a generic plan made while the month was empty read the whole
 * month per commit (PostgreSQL without autovacuum never re-plans it: the 10-minute soak collapsed).
 */
const ENSURE_MONTH_PARTITIONS = `
  CREATE FUNCTION dockproof_ensure_month_partitions(parent regclass, first_month date, last_month date,
                                                    unique_column name DEFAULT NULL)
  RETURNS SETOF text LANGUAGE plpgsql AS $fn$
  DECLARE
    schema_name name;
    table_name name;
    key_column name;
    default_partition regclass;
    month date := date_trunc('month', first_month)::date;
    partition_name text;
    lower_bound text;
    upper_bound text;
  BEGIN
    SELECT n.nspname, c.relname INTO schema_name, table_name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = parent;
    SELECT a.attname, nullif(p.partdefid, 0)::regclass INTO key_column, default_partition
      FROM pg_partitioned_table p
      JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
     WHERE p.partrelid = parent AND p.partstrat = 'r' AND p.partnatts = 1;
    IF key_column IS NULL THEN
      RAISE EXCEPTION '% is not partitioned by the range of one column', parent;
    END IF;
    WHILE month <= last_month LOOP
      partition_name := format('%s_y%sm%s', table_name, to_char(month, 'YYYY'), to_char(month, 'MM'));
      IF to_regclass(format('%I.%I', schema_name, partition_name)) IS NULL THEN
        lower_bound := to_char(month, 'YYYY-MM-DD') || ' 00:00:00+00';
        upper_bound := to_char(month + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00';
        EXECUTE format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                       schema_name, partition_name, parent);
        IF unique_column IS NOT NULL THEN
          EXECUTE format('CREATE UNIQUE INDEX %I ON %I.%I (%I)', partition_name || '_' || unique_column,
                         schema_name, partition_name, unique_column);
        END IF;
        IF default_partition IS NOT NULL THEN
          EXECUTE format('WITH moved AS (DELETE FROM %s WHERE %I >= %L AND %I < %L RETURNING *)
                          INSERT INTO %I.%I SELECT * FROM moved',
                         default_partition, key_column, lower_bound, key_column, upper_bound,
                         schema_name, partition_name);
        END IF;
        EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)',
                       parent, schema_name, partition_name, lower_bound, upper_bound);
        RETURN NEXT partition_name;
      END IF;
      month := (month + interval '1 month')::date;
    END LOOP;
  END
  $fn$`;

const SCAN_COLUMNS = `event_id, site_id, dock_id, scanner_id, direction, scanned_at, received_at,
  source, code, pallet_sscc, gtin, lot, serial, expiry, sscc, status, reason_codes, verdict`;

const REJECTED_COLUMNS = `id, received_at, source, topic, event_id, reason, payload, payload_bytes,
  payload_sha256`;

const scansTable = (primaryKey: string, partitioned: boolean) => `
  CREATE TABLE scans (
    event_id     text NOT NULL,
    site_id      text NOT NULL,
    dock_id      text NOT NULL,
    scanner_id   text NOT NULL,
    direction    text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    scanned_at   timestamptz NOT NULL,
    received_at  timestamptz NOT NULL,
    source       text NOT NULL CHECK (source IN ('mqtt', 'http')),
    code         text NOT NULL,
    pallet_sscc  text,
    gtin         text,
    lot          text,
    serial       text,
    expiry       date,
    sscc         text,
    status       text NOT NULL CHECK (status IN ('verified', 'suspicious')),
    reason_codes text[] NOT NULL,
    verdict      jsonb NOT NULL,
    PRIMARY KEY (${primaryKey})
  )${partitioned ? ' PARTITION BY RANGE (received_at)' : ''}`;

const rejectedTable = (constraints: string, partitioned: boolean) => `
  CREATE TABLE rejected_messages (
    id             bigint NOT NULL DEFAULT nextval('rejected_messages_id_seq'),
    received_at    timestamptz NOT NULL,
    source         text NOT NULL CHECK (source IN ('mqtt', 'http')),
    topic          text NOT NULL,
    event_id       text,
    reason         text NOT NULL,
    payload        bytea NOT NULL,
    payload_bytes  integer NOT NULL,
    payload_sha256 bytea NOT NULL,
    ${constraints}
  )${partitioned ? ' PARTITION BY RANGE (received_at)' : ''}`;

// The replacement's CHECK constraints get these names only once the old table's are gone.
const SCAN_CHECKS = ['scans_direction_check', 'scans_source_check', 'scans_status_check'];
const REJECTED_CHECKS = ['rejected_messages_source_check'];
const dropChecks = (table: string, names: string[]) =>
  `ALTER TABLE ${table} ${names.map((name) => `DROP CONSTRAINT ${name}`).join(', ')}`;

const utcMonth = (at: string) => `date_trunc('month', ${at} AT TIME ZONE 'UTC')::date`;

/**
 * Scans and rejected messages in monthly partitions by `received_at`, so that old months can be
 * dropped whole (SCAN_RETENTION_DAYS) instead of growing one table without bound. A unique
 * constraint on a partitioned table must include the partition key, so an eventId's and a
 * rejected payload's uniqueness across months is kept by the writers' advisory locks instead
 * (ScansRepository).
 */
export class PartitionScansByMonth1795456800010 implements MigrationInterface {
  name = 'PartitionScansByMonth1795456800010';

  async up(db: QueryRunner): Promise<void> {
    // Copying a large table outlasts the app's statement timeout; nothing else runs meanwhile.
    await db.query(`SET LOCAL statement_timeout = 0`);
    await db.query(ENSURE_MONTH_PARTITIONS);

    await db.query(`ALTER TABLE scans RENAME TO scans_unpartitioned`);
    await db.query(`ALTER INDEX scans_pkey RENAME TO scans_unpartitioned_pkey`);
    await db.query(
      `ALTER INDEX scans_site_scanned_at RENAME TO scans_unpartitioned_site_scanned_at`,
    );
    await db.query(dropChecks('scans_unpartitioned', SCAN_CHECKS));
    await db.query(scansTable('event_id, received_at', true));
    await db.query(`CREATE INDEX scans_site_scanned_at ON scans (site_id, scanned_at)`);
    // Never meant to hold a row: an insert must not fail because maintenance fell behind.
    await db.query(`CREATE TABLE scans_default PARTITION OF scans DEFAULT`);
    await db.query(`CREATE UNIQUE INDEX scans_default_event_id ON scans_default (event_id)`);

    await db.query(`ALTER TABLE rejected_messages RENAME TO rejected_messages_unpartitioned`);
    await db.query(
      `ALTER INDEX rejected_messages_pkey RENAME TO rejected_messages_unpartitioned_pkey`,
    );
    await db.query(
      `ALTER INDEX rejected_messages_received_at RENAME TO rejected_messages_unpartitioned_received_at`,
    );
    await db.query(dropChecks('rejected_messages_unpartitioned', REJECTED_CHECKS));
    await db.query(rejectedTable('PRIMARY KEY (id, received_at)', true));
    // Before the old table goes, or the sequence would go with it.
    await db.query(`ALTER SEQUENCE rejected_messages_id_seq OWNED BY rejected_messages.id`);
    await db.query(`CREATE INDEX rejected_messages_received_at ON rejected_messages (received_at)`);
    await db.query(
      `CREATE INDEX rejected_messages_payload ON rejected_messages (source, topic, payload_sha256)`,
    );
    await db.query(`CREATE TABLE rejected_messages_default PARTITION OF rejected_messages DEFAULT`);

    // The months that hold rows, this one and the next two: a month between without rows would
    // only add a partition for every eventId look-up to probe.
    for (const [table, unique] of [
      ['scans', `'event_id'`],
      ['rejected_messages', 'NULL'],
    ]) {
      await db.query(`
        SELECT dockproof_ensure_month_partitions('${table}', month, month, ${unique})
          FROM (SELECT DISTINCT ${utcMonth('received_at')} AS month FROM ${table}_unpartitioned
                UNION
                SELECT (${utcMonth('now()')} + ahead * interval '1 month')::date
                  FROM generate_series(0, 2) AS ahead) AS months`);
    }
    await db.query(`INSERT INTO scans (${SCAN_COLUMNS})
                    SELECT ${SCAN_COLUMNS} FROM scans_unpartitioned`);
    await db.query(`INSERT INTO rejected_messages (${REJECTED_COLUMNS})
                    SELECT ${REJECTED_COLUMNS} FROM rejected_messages_unpartitioned ORDER BY id`);
    await db.query(`DROP TABLE scans_unpartitioned`);
    await db.query(`DROP TABLE rejected_messages_unpartitioned`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`SET LOCAL statement_timeout = 0`);

    await db.query(`ALTER TABLE scans RENAME TO scans_partitioned`);
    await db.query(`ALTER INDEX scans_pkey RENAME TO scans_partitioned_pkey`);
    await db.query(`ALTER INDEX scans_site_scanned_at RENAME TO scans_partitioned_site_scanned_at`);
    await db.query(dropChecks('scans_partitioned', SCAN_CHECKS));
    await db.query(scansTable('event_id', false));
    await db.query(`CREATE INDEX scans_site_scanned_at ON scans (site_id, scanned_at)`);
    // Under the eventId locks no eventId is stored twice; should one be, the first copy stays.
    await db.query(`INSERT INTO scans (${SCAN_COLUMNS})
                    SELECT ${SCAN_COLUMNS} FROM scans_partitioned ORDER BY received_at
                    ON CONFLICT (event_id) DO NOTHING`);
    await db.query(`DROP TABLE scans_partitioned`);

    await db.query(`ALTER TABLE rejected_messages RENAME TO rejected_messages_partitioned`);
    await db.query(
      `ALTER INDEX rejected_messages_pkey RENAME TO rejected_messages_partitioned_pkey`,
    );
    await db.query(
      `ALTER INDEX rejected_messages_received_at RENAME TO rejected_messages_partitioned_received_at`,
    );
    await db.query(dropChecks('rejected_messages_partitioned', REJECTED_CHECKS));
    await db.query(
      rejectedTable(
        `PRIMARY KEY (id),
         CONSTRAINT rejected_messages_once UNIQUE (source, topic, payload_sha256)`,
        false,
      ),
    );
    await db.query(`ALTER SEQUENCE rejected_messages_id_seq OWNED BY rejected_messages.id`);
    await db.query(`CREATE INDEX rejected_messages_received_at ON rejected_messages (received_at)`);
    await db.query(`INSERT INTO rejected_messages (${REJECTED_COLUMNS})
                    SELECT ${REJECTED_COLUMNS} FROM rejected_messages_partitioned ORDER BY id
                    ON CONFLICT ON CONSTRAINT rejected_messages_once DO NOTHING`);
    await db.query(`DROP TABLE rejected_messages_partitioned`);

    await db.query(`DROP FUNCTION dockproof_ensure_month_partitions(regclass, date, date, name)`);
  }
}
