import { mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './db.ts';

const toNumber = (v: string) => Number(v);

type PgliteLike = Pick<PGlite, 'query' | 'exec'>;

function wrap(target: PgliteLike): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const res = await target.query<R>(sql, params ? [...params] : undefined);
      return { rows: res.rows, rowCount: res.affectedRows || res.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
  };
}

/**
 * Embedded PostgreSQL (WASM). `dataDir` undefined keeps everything in memory (tests); otherwise the cluster lives in
 * that directory. PGlite runs one statement at a time, so concurrent callers queue; a transaction holds the queue.
 */
export async function openPglite(dataDir?: string, opts: { loadDataDir?: Blob } = {}): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = new PGlite({
    dataDir,
    parsers: { [types.INT8]: toNumber, [types.NUMERIC]: toNumber },
    loadDataDir: opts.loadDataDir,
  });
  await pg.waitReady;
  return adapt(pg);
}

/** A tarball of the whole cluster, to start other instances from (tests clone one migrated database). */
export async function dumpPglite(db: Db): Promise<Blob> {
  const pg = raw.get(db);
  if (!pg) throw new Error('dumpPglite needs a database opened by openPglite');
  return (await pg.dumpDataDir('none')) as Blob;
}

const raw = new WeakMap<Db, PGlite>();

function adapt(pg: PGlite): Db {
  const base = wrap(pg);
  const db: Db = {
    kind: 'pglite',
    query: base.query,
    exec: base.exec,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    close: () => pg.close(),
  };
  raw.set(db, pg);
  return db;
}
