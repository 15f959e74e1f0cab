import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbBackends, type TestDb } from '../../../test/support/pg.ts';
import { applyMigrations, MigrationError, migrationStatus } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';

const backends = await dbBackends();

describe.each(backends)('migrations on $name', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await backend.open({ migrate: false });
  });
  afterAll(() => t.cleanup());

  it('applies every migration once, then nothing', async () => {
    expect(await migrationStatus(t.db)).toEqual({ current: 0, latest: MIGRATIONS.length });
    expect(await applyMigrations(t.db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await applyMigrations(t.db)).toEqual([]);
    expect(await migrationStatus(t.db)).toEqual({ current: MIGRATIONS.length, latest: MIGRATIONS.length });
  });

  it('applies a new migration forward', async () => {
    const next = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'extra', sql: 'CREATE TABLE extra (x int)' }];
    expect(await applyMigrations(t.db, next)).toEqual([MIGRATIONS.length + 1]);
    const { rows } = await t.db.query("SELECT to_regclass('extra')::text AS t");
    expect(rows[0]).toEqual({ t: 'extra' });
  });

  it('refuses a database that is ahead of the code, naming the version', async () => {
    // The database now has version N+1 that MIGRATIONS does not know: an older build must not start on it.
    await expect(applyMigrations(t.db)).rejects.toThrow(MigrationError);
    await expect(applyMigrations(t.db)).rejects.toThrow(`database has migration ${MIGRATIONS.length + 1} (extra)`);
  });

  it('refuses an edited migration and rolls back a failing one', async () => {
    const edited = MIGRATIONS.map((m) => (m.version === 1 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    const base = [...edited, { version: MIGRATIONS.length + 1, name: 'extra', sql: 'CREATE TABLE extra (x int)' }];
    await expect(applyMigrations(t.db, base)).rejects.toThrow('differs from this build');
    const good = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'extra', sql: 'CREATE TABLE extra (x int)' }];
    const broken = [...good, { version: MIGRATIONS.length + 2, name: 'bad', sql: 'CREATE TABLE y (x int); SELEC 1' }];
    await expect(applyMigrations(t.db, broken)).rejects.toThrow();
    const { rows } = await t.db.query("SELECT to_regclass('y')::text AS t");
    expect(rows[0]).toEqual({ t: null });
    expect((await migrationStatus(t.db, good)).current).toBe(MIGRATIONS.length + 1);
  });
});
