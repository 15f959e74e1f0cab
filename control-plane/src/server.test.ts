import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../models/src/util/cli.ts';
import { dbBackends, type TestDb } from '../../test/support/pg.ts';
import { newSecret } from './auth/tokens.ts';
import { run } from './cli.ts';
import { testConfig } from './config/load.ts';
import type { Config } from './config/schema.ts';
import { applyMigrations, MigrationError } from './db/migrate.ts';
import { MIGRATIONS } from './db/migrations/index.ts';
import { openDb } from './db/open.ts';
import { startServer } from './server.ts';

const backends = await dbBackends();

class Capture {
  text = '';
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

describe.each(backends)('startServer on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** A config pointing at a fresh store: a PGlite directory, or a throwaway PostgreSQL database. */
  async function freshConfig(values: Partial<Config> = {}): Promise<Config> {
    if (backend.name === 'pglite') {
      return testConfig({ logLevel: 'silent', dataDir: mkdtempSync(path.join(tmpdir(), 'vigil-cp-')), ...values });
    }
    const t: TestDb = await backend.open({ migrate: false });
    await t.db.close();
    cleanups.push(async () => {
      await t.cleanup().catch(() => {});
    });
    return testConfig({ logLevel: 'silent', databaseUrl: t.url, ...values });
  }

  it('bootstraps the admin once, registers a configured token, and refuses a newer schema', async () => {
    const config = await freshConfig();
    // First start: a token is generated, printed once, and only its hash is stored.
    const err1 = new Capture();
    const first = await startServer(config, { stderr: err1 as never, port: 0 });
    const token = /(vgl_op_[A-Za-z0-9_-]{43})/.exec(err1.text)?.[1];
    expect(token).toBeDefined();
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${first.url}/v1/agents`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const { rows } = await first.app.vigil.db.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens');
    expect(JSON.stringify(rows)).not.toContain(token!.slice(7));
    await first.app.close();

    // Second start: nothing printed, the same token still works.
    const err2 = new Capture();
    const second = await startServer(config, { stderr: err2 as never, port: 0 });
    expect(err2.text).toBe('');
    expect((await fetch(`${second.url}/v1/agents`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
    await second.app.close();

    // A configured VIGIL_ADMIN_TOKEN is registered silently.
    const adminToken = newSecret('operator');
    const err3 = new Capture();
    const third = await startServer({ ...config, adminToken }, { stderr: err3 as never, port: 0 });
    expect(err3.text).toBe('');
    expect((await fetch(`${third.url}/v1/tokens`, { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(
      200,
    );
    await third.app.close();

    // A database migrated by a newer build: this build must not start on it.
    const db = await openDb(config);
    const future = { version: MIGRATIONS.length + 1, name: 'from_the_future', sql: 'CREATE TABLE future (x int)' };
    await applyMigrations(db, [...MIGRATIONS, future]);
    await db.close();
    const refused = await startServer(config, { port: 0 }).catch((e) => e);
    expect(refused).toBeInstanceOf(MigrationError);
    expect(refused.message).toContain(`database has migration ${future.version} (from_the_future)`);
  });
});

describe('vigil control-plane CLI', () => {
  it('creates an operator token and prints it on stdout', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-cli-'));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await run(['token', 'create', '--role', 'operator', '--name', 'alice', '--data', dir])).toBe(0);
      const printed = String(out.mock.calls[0][0]);
      expect(printed).toMatch(/^vgl_op_[A-Za-z0-9_-]{43}\n$/);
      expect(String(err.mock.calls[0][0])).toContain('created operator token tok_');
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });

  it('names bad flags and bad configuration', async () => {
    await expect(run(['token', 'create', '--role', 'boss'])).rejects.toThrow(
      new UsageError("--role must be one of viewer, operator, admin, got 'boss'"),
    );
    await expect(run(['serve', '--port', 'abc'])).rejects.toThrow("--port must be a non-negative integer, got 'abc'");
    await expect(run(['serve', '--port', '70000'])).rejects.toThrow(
      'invalid configuration: --port must be an integer 1-65535, got 70000',
    );
    await expect(run(['bogus'])).rejects.toThrow("unknown command 'bogus'");
  });
});

describe('embedded database lock', () => {
  it('refuses a second process on the same PGlite directory and takes over a stale lock', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-lock-'));
    const { writeFileSync } = await import('node:fs');
    // A live process (our parent) holds it: refused.
    writeFileSync(path.join(dir, 'pglite.lock'), String(process.ppid));
    await expect(openDb({ dataDir: dir })).rejects.toThrow(`is in use by process ${process.ppid}`);
    // A dead process held it: taken over, and released on close.
    writeFileSync(path.join(dir, 'pglite.lock'), '2147483646');
    const db = await openDb({ dataDir: dir });
    await expect(openDb({ dataDir: dir })).rejects.toThrow(`is in use by process ${process.pid}`);
    await db.close();
    const again = await openDb({ dataDir: dir });
    await again.close();
  });
});
