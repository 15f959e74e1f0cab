import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** Small named settings (enrollment credential, agent id, last bundle version). Values are strings; JSON helpers. */
export class KvRepo {
  private readonly getStmt: StatementSync;
  private readonly setStmt: StatementSync;
  private readonly delStmt: StatementSync;

  constructor(
    db: DatabaseSync,
    private readonly now: () => number,
  ) {
    this.getStmt = db.prepare('SELECT value FROM kv WHERE key = ?');
    this.setStmt = db.prepare(
      'INSERT INTO kv (key, value, updated) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated = excluded.updated',
    );
    this.delStmt = db.prepare('DELETE FROM kv WHERE key = ?');
  }

  get(key: string): string | undefined {
    const row = this.getStmt.get(key) as { value: string } | undefined;
    return row?.value;
  }

  set(key: string, value: string): void {
    this.setStmt.run(key, value, this.now());
  }

  delete(key: string): boolean {
    return Number(this.delStmt.run(key).changes) > 0;
  }

  getJson<T>(key: string): T | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    try {
      return JSON.parse(v) as T;
    } catch (err) {
      throw new Error(`kv key ${JSON.stringify(key)} holds invalid JSON: ${(err as Error).message}`, { cause: err });
    }
  }

  setJson(key: string, value: unknown): void {
    this.set(key, JSON.stringify(value));
  }
}
