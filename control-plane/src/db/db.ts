/**
 * The one storage interface. Both adapters (embedded PGlite, PostgreSQL via `pg`) speak the same PostgreSQL dialect
 * and run the same migrations, so nothing above this file knows which one it has.
 *
 * Values only ever travel as bind parameters (`$1`, `$2`, ...). SQL text is built from constants in the code, never
 * from request data. int8 columns come back as JS numbers from both adapters (all our int8 values are epoch ms,
 * counters and identities far below 2^53).
 */
export type Row = Record<string, unknown>;

export interface QueryResult<R = Row> {
  rows: R[];
  /** Rows returned, or rows changed by INSERT/UPDATE/DELETE without RETURNING. */
  rowCount: number;
}

export interface Queryable {
  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a multi-statement script without parameters (migrations only). */
  exec(sql: string): Promise<void>;
}

export type DbKind = 'pglite' | 'postgres';

export interface Db extends Queryable {
  readonly kind: DbKind;
  /** Runs fn in one transaction: COMMIT when it resolves, ROLLBACK when it throws (the error is rethrown). */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
