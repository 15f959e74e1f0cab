import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.ts';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** int8/numeric as numbers, like the PGlite adapter; everything else as pg parses it. */
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

function wrap(target: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const res = await target.query(sql, params as unknown[] | undefined);
      return { rows: res.rows as R[], rowCount: res.rowCount ?? res.rows.length };
    },
    async exec(sql: string): Promise<void> {
      // Without parameters pg uses the simple query protocol, which runs a multi-statement script.
      await target.query(sql);
    },
  };
}

export interface PostgresOptions {
  /** Pool size per control-plane replica. */
  maxConnections?: number;
  /** Server-side statement timeout, so a stuck query cannot hold a request (and shutdown) forever. */
  statementTimeoutMs?: number;
}

/** Production PostgreSQL (RDS/Aurora or self-hosted) through a connection pool. */
export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.maxConnections ?? 10,
    types: typeParsers,
    statement_timeout: opts.statementTimeoutMs ?? 30_000,
    application_name: 'vigil-control-plane',
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const client = await pool.connect(); // fail fast on a wrong URL
  client.release();
  const base = wrap(pool);
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    async transaction(fn) {
      const conn = await pool.connect();
      try {
        await conn.query('BEGIN');
        const out = await fn(wrap(conn));
        await conn.query('COMMIT');
        conn.release();
        return out;
      } catch (err) {
        // A connection that cannot even roll back is broken: destroy it instead of returning it to the pool.
        const broken = await conn.query('ROLLBACK').then(
          () => undefined,
          (e: Error) => e,
        );
        conn.release(broken);
        throw err;
      }
    },
    close: () => pool.end(),
  };
}
