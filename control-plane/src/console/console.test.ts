import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbBackends } from '../../../test/support/pg.ts';
import { anomaly, type Harness, harness, T0 } from '../testing/harness.ts';
import { containsPattern, healthOf } from './fleet-store.ts';
import { consolePlugin } from './plugin.ts';

const backends = await dbBackends();

describe.each(backends)('console API on $name', (backend) => {
  let h: Harness;
  let viewer: string;
  beforeAll(async () => {
    h = await harness(backend, {}, { plugins: [consolePlugin({ build: 'never' })] });
    viewer = await h.token('viewer');
    for (let i = 0; i < 7; i++) {
      const { credential } = await h.enroll(`i-c${i}`, `web_${i}`);
      const anomalies = Array.from({ length: i }, (_, j) =>
        anomaly(`a${i}-${j}`, { host: `web_${i}`, window: { start: T0 - j * 60_000, end: T0 } }),
      );
      if (anomalies.length) {
        await h.call({ method: 'POST', url: '/v1/agents/anomalies', token: credential, payload: { anomalies } });
      }
    }
  });
  afterAll(() => h.close());
  const get = async (url: string, token = viewer) => (await h.call({ url, token })).json();

  it('GET /v1/me names the token holder and role', async () => {
    expect(await get('/v1/me')).toMatchObject({ name: 'test-viewer', role: 'viewer' });
    expect((await h.call({ url: '/v1/me' })).statusCode).toBe(401);
  });

  it('pages the whole fleet without gaps or repeats under every sort', async () => {
    for (const [sort, dir] of [
      ['hostname', 'asc'],
      ['anomalies', 'desc'],
      ['seen', 'asc'],
    ]) {
      const seen: string[] = [];
      let cursor = '';
      do {
        const page = await get(`/v1/console/fleet?limit=3&sort=${sort}&dir=${dir}${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.items.map((x: { hostname: string }) => x.hostname));
        cursor = page.nextCursor ?? '';
      } while (cursor);
      expect(new Set(seen).size, sort).toBe(7);
      if (sort === 'anomalies') expect(seen.slice(0, 2)).toEqual(['web_6', 'web_5']);
    }
    const top = await get('/v1/console/fleet?sort=anomalies&limit=1');
    expect(top.items[0]).toMatchObject({ hostname: 'web_6', anomalies24h: 6, health: 'never', channel: 'stable' });
  });

  it('search matches substrings literally (LIKE wildcards in the input are escaped)', async () => {
    expect((await get('/v1/console/fleet?q=web_3')).items.map((x: { hostname: string }) => x.hostname)).toEqual([
      'web_3',
    ]);
    expect((await get('/v1/console/fleet?q=%25')).items).toEqual([]);
    expect(containsPattern('a_b%c\\')).toBe('%a\\_b\\%c\\\\%');
    expect((await get('/v1/console/fleet/summary?q=web')).matching).toBe(7);
  });

  it('buckets the timeline and refuses too many buckets', async () => {
    const t = await get(`/v1/console/timeline?from=${T0 - 3_600_000}&to=${T0 + 1}&bucket=1800000&by=type`);
    expect(t.buckets).toHaveLength(3);
    expect(t.series).toEqual([{ name: 'ssh_brute_force', total: 21, counts: [0, 15, 6] }]);
    const bad = await h.call({ url: `/v1/console/timeline?from=0&to=${T0}&bucket=60000`, token: viewer });
    expect(bad.json().error).toMatchObject({ code: 'invalid_request', field: 'bucket' });
  });

  it('the stream needs a token and the health rule needs a recent heartbeat', async () => {
    expect((await h.call({ url: '/v1/console/stream' })).statusCode).toBe(401);
    expect(healthOf('active', 1000, 2000, 500)).toBe('stale');
    expect(healthOf('active', 1800, 2000, 500)).toBe('live');
    expect(healthOf('revoked', 1800, 2000, 500)).toBe('revoked');
  });
});
