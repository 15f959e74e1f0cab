import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbBackends } from '../../../test/support/pg.ts';
import { type Harness, harness, T0 } from '../testing/harness.ts';
import { computeKpis } from './kpis.ts';
import { analyticsPlugin } from './plugin.ts';
import { seedSampleData } from './sample-data.ts';

const DAY = 86_400_000;
const backends = await dbBackends();

describe.each(backends)('GET /v1/kpis ($name)', (backend) => {
  let h: Harness;

  beforeAll(async () => {
    h = await harness(backend, {}, { plugins: [analyticsPlugin()] });
    await seedSampleData(h.t.db, { from: T0, to: T0 + DAY, anomaliesPerDay: 30, heartbeatEveryMs: 30 * 60_000 });
    h.advance(DAY);
  }, 60_000);
  afterAll(async () => h?.close());

  it('needs a viewer token', async () => {
    expect((await h.call({ method: 'GET', url: '/v1/kpis' })).statusCode).toBe(401);
  });

  it('returns the KPI report of the window, equal to computeKpis', async () => {
    const viewer = await h.token('viewer');
    const res = await h.call({
      method: 'GET',
      url: `/v1/kpis?from=${T0}&to=${T0 + DAY}&bucket=3600000`,
      token: viewer,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const direct = await computeKpis(
      h.t.db,
      { from: T0, to: T0 + DAY, bucketMs: 3_600_000 },
      { staleAfterMs: h.config.staleHeartbeatSeconds * 1000 },
    );
    expect(body).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(body.anomalies.total).toBeGreaterThan(10);
    expect(body.buckets).toHaveLength(24);
  });

  it('defaults to the last 30 days ending now', async () => {
    const viewer = await h.token('viewer');
    const res = await h.call({ method: 'GET', url: '/v1/kpis', token: viewer });
    expect(res.statusCode).toBe(200);
    expect(res.json().window).toEqual({ from: h.now() - 30 * DAY, to: h.now(), bucketMs: DAY });
  });

  it('rejects a window that would need too many buckets, naming the field', async () => {
    const viewer = await h.token('viewer');
    const res = await h.call({
      method: 'GET',
      url: `/v1/kpis?from=${T0}&to=${T0 + 30 * DAY}&bucket=60000`,
      token: viewer,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_request', field: 'bucket' });
    const bad = await h.call({ method: 'GET', url: `/v1/kpis?from=${T0}&to=${T0 - 1}`, token: viewer });
    expect(bad.json().error.field).toBe('to');
  });
});
