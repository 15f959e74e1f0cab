/**
 * Hourly event counts from cloud ingest per (account, service), and how far each forecast series has been judged:
 * the inputs and the memory of the account-spike job (control-plane/src/forecast/). Forward-only: never edit after
 * it shipped.
 */
export const sql = `
CREATE TABLE cloud_event_counts (
  account      text   NOT NULL,
  -- the log source (vpc, s3, lambda, cloudtrail); the account series is the sum over sources
  source       text   NOT NULL,
  bucket_start bigint NOT NULL,
  count        bigint NOT NULL CHECK (count >= 0),
  PRIMARY KEY (account, source, bucket_start)
);
CREATE INDEX cloud_event_counts_bucket ON cloud_event_counts (bucket_start);

CREATE TABLE forecast_series_state (
  series_key     text   PRIMARY KEY,
  -- every bucket starting before this was judged (or skipped past, and counted, when the job fell behind)
  scored_through bigint NOT NULL,
  updated_at     bigint NOT NULL
);
`;
