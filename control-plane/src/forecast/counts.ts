import type { LogEvent, LogSource } from '../../../models/src/schema/index.ts';
import { HOUR_MS } from '../../../models/src/train/forecast/types.ts';
import type { Queryable } from '../db/db.ts';

/** What cloud ingest feeds: a page's events are staged when scored and written once the page committed. */
export interface EventCounter {
  stage(source: LogSource, events: readonly LogEvent[]): void;
  commit(source: LogSource): Promise<void>;
}

export interface CountRow {
  account: string;
  source: string;
  bucketStart: number;
  count: number;
}

const ACCOUNT_ID = /^\d{12}$/;

/** Adds counts (one statement per batch, upsert-add). */
export async function addCounts(db: Queryable, rows: readonly CountRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO cloud_event_counts (account, source, bucket_start, count)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
     ON CONFLICT (account, source, bucket_start) DO UPDATE SET count = cloud_event_counts.count + EXCLUDED.count`,
    [rows.map((r) => r.account), rows.map((r) => r.source), rows.map((r) => r.bucketStart), rows.map((r) => r.count)],
  );
}

/**
 * Hourly event counts per (account, source) from cloud ingest. Pages of one source arrive one at a time (each puller
 * is sequential), so `stage` replaces the source's pending tally and `commit` writes it after the page's anomalies
 * and checkpoint committed: a page that failed and is pulled again is counted once, and a crash between the commit
 * and the count write loses at most that page's counts (it never double counts).
 */
export class EventCountTally implements EventCounter {
  private readonly pending = new Map<LogSource, Map<string, CountRow>>();
  private readonly accounts = new Set<string>();
  /** Events not counted: non-finite time, or an account beyond maxAccounts. */
  dropped = 0;
  counted = 0;

  constructor(
    private readonly db: Queryable,
    private readonly o: { defaultAccount: string; maxAccounts: number },
  ) {}

  stage(source: LogSource, events: readonly LogEvent[]): void {
    const tally = new Map<string, CountRow>();
    for (const e of events) {
      if (!Number.isFinite(e.ts)) {
        this.dropped++;
        continue;
      }
      // account ids come from log fields: only a well-formed one names a series, so a log cannot mint series keys
      const account = e.account && ACCOUNT_ID.test(e.account) ? e.account : this.o.defaultAccount;
      if (!this.accounts.has(account)) {
        if (this.accounts.size >= this.o.maxAccounts) {
          this.dropped++;
          continue;
        }
        this.accounts.add(account);
      }
      const bucketStart = Math.floor(e.ts / HOUR_MS) * HOUR_MS;
      const k = `${account}|${bucketStart}`;
      const row = tally.get(k);
      if (row) row.count++;
      else tally.set(k, { account, source, bucketStart, count: 1 });
    }
    this.pending.set(source, tally);
  }

  async commit(source: LogSource): Promise<void> {
    const tally = this.pending.get(source);
    if (!tally) return;
    this.pending.delete(source);
    const rows = [...tally.values()];
    await addCounts(this.db, rows);
    for (const r of rows) this.counted += r.count;
  }
}
