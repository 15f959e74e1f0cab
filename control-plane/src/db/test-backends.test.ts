import { afterEach, describe, expect, it, vi } from 'vitest';
import { dbBackends } from '../../../test/support/pg.ts';

describe('test database selection (test/support/pg.ts)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('fails under CI when TEST_DATABASE_URL is missing or unreachable, instead of skipping PostgreSQL', async () => {
    vi.stubEnv('CI', '1');
    vi.stubEnv('TEST_DATABASE_URL', '');
    await expect(dbBackends()).rejects.toThrow('CI is set but TEST_DATABASE_URL is not');
    vi.stubEnv('TEST_DATABASE_URL', 'postgres://postgres@127.0.0.1:1/postgres');
    await expect(dbBackends()).rejects.toThrow('TEST_DATABASE_URL is not reachable under CI');
  });

  it('falls back to PGlite only, with a warning, outside CI', async () => {
    vi.stubEnv('CI', '');
    vi.stubEnv('TEST_DATABASE_URL', 'postgres://postgres@127.0.0.1:1/postgres');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect((await dbBackends()).map((b) => b.name)).toEqual(['pglite']);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('not reachable'));
    warn.mockRestore();
  });
});
