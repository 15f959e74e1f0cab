/**
 * Hourly anomaly counts for the fleet console. Forward-only: never edit after it shipped.
 *
 * anomaly_counts_hourly holds, per hour (start, epoch ms UTC), how many stored anomalies have their window start
 * in that hour, by type, by source and by host (dim = 'type' | 'source' | 'host'; an anomaly without a host counts
 * only under type and source). The timeline then reads one row per series and hour instead of every anomaly in
 * the range, and the fleet's "anomalies in the last 24 h" sort sums narrow rows instead of fetching each of the
 * day's anomalies from the heap.
 *
 * Exact by construction, whatever code path runs the statement: statement-level triggers on anomalies add what an
 * INSERT really inserted (the transition table holds only new rows, so a re-sent item skipped by ON CONFLICT DO
 * NOTHING is not counted) and subtract what a DELETE removed (retention). A row that falls to zero is deleted.
 * Both directions upsert in key order, so concurrent transactions lock counter rows in one order and cannot
 * deadlock on them. TRUNCATE fires neither trigger: truncate anomaly_counts_hourly together with anomalies.
 * The backfill counts what is already stored, in the migration's transaction.
 */
const counted = (from: string, sign: string) => `
  SELECT d.dim, a.ts - mod(mod(a.ts, 3600000) + 3600000, 3600000), d.name, ${sign}count(*)
  FROM ${from} a
  CROSS JOIN LATERAL (VALUES ('type', a.type), ('source', a.source), ('host', a.host)) AS d (dim, name)
  WHERE d.name IS NOT NULL
  GROUP BY 1, 2, 3
  ORDER BY 1, 2, 3`;

const upsert = (from: string, sign: string) => `
  INSERT INTO anomaly_counts_hourly AS c (dim, hour, name, n) ${counted(from, sign)}
  ON CONFLICT (dim, hour, name) DO UPDATE SET n = c.n + excluded.n`;

export const sql = `
CREATE TABLE anomaly_counts_hourly (
  dim   text NOT NULL CHECK (dim IN ('type', 'source', 'host')),
  hour  bigint NOT NULL,
  name  text NOT NULL,
  n     bigint NOT NULL,
  PRIMARY KEY (dim, hour, name)
);

CREATE FUNCTION anomaly_counts_hourly_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${upsert('inserted_anomalies', '')};
  RETURN NULL;
END $$;

CREATE FUNCTION anomaly_counts_hourly_subtract() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  zero_dim text[];
  zero_hour bigint[];
  zero_name text[];
BEGIN
  WITH changed AS (${upsert('deleted_anomalies', '-')}
    RETURNING c.dim, c.hour, c.name, c.n)
  SELECT array_agg(dim), array_agg(hour), array_agg(name) INTO zero_dim, zero_hour, zero_name
  FROM changed WHERE n <= 0;
  DELETE FROM anomaly_counts_hourly c USING unnest(zero_dim, zero_hour, zero_name) AS z (dim, hour, name)
  WHERE c.dim = z.dim AND c.hour = z.hour AND c.name = z.name AND c.n <= 0;
  RETURN NULL;
END $$;

CREATE TRIGGER anomalies_counts_add AFTER INSERT ON anomalies
  REFERENCING NEW TABLE AS inserted_anomalies FOR EACH STATEMENT EXECUTE FUNCTION anomaly_counts_hourly_add();
CREATE TRIGGER anomalies_counts_subtract AFTER DELETE ON anomalies
  REFERENCING OLD TABLE AS deleted_anomalies FOR EACH STATEMENT EXECUTE FUNCTION anomaly_counts_hourly_subtract();

INSERT INTO anomaly_counts_hourly (dim, hour, name, n) ${counted('anomalies', '')};
`;
