import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbBackends } from '../../../test/support/pg.ts';
import { CloudDetector } from '../detect/cloud-detector.ts';
import { cloudRecords, vpcPortScan } from '../detect/test-data.ts';
import { type Harness, harness } from '../testing/harness.ts';
import { scorePlugin } from './plugin.ts';

const [pglite] = await dbBackends();
let h: Harness;
let detector: CloudDetector;

beforeAll(async () => {
  detector = await CloudDetector.load();
  h = await harness(pglite, {}, { plugins: [scorePlugin({ shared: detector, maxEvents: 5000 })] });
});
afterAll(async () => {
  await h?.close();
  await detector?.close();
});

/** 200 lines of generated VPC traffic, then an injected port scan a minute after the last of them. */
function portScanLines(): string[] {
  const vpc = cloudRecords().filter((r) => r.source === 'vpc');
  return [...vpc.slice(0, 200).map((r) => r.line), ...vpcPortScan(vpc[199].event.ts + 60_000)];
}

describe('POST /v1/score', () => {
  it('scores raw lines per entity-window and flags the injected port scan with its features', async () => {
    const res = await h.call({
      method: 'POST',
      url: '/v1/score',
      token: await h.token('viewer'),
      payload: { format: 'vpc', lines: [...portScanLines(), 'not a flow log line'] },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.rejectedCount).toBe(1);
    expect(body.rejected[0]).toMatchObject({ line: expect.any(Number), code: expect.any(String) });
    expect(body.rows.length).toBeGreaterThan(1);
    for (const row of body.rows) expect(row.score).toBeGreaterThanOrEqual(0);
    const hit = body.rows.find(
      (r: { anomalous: boolean; type: string; entity: { id: string } }) =>
        r.anomalous && r.type === 'port_scan' && r.entity.id === '198.51.100.77',
    );
    expect(hit).toBeDefined();
    expect(hit.topFeatures.length).toBeGreaterThan(0);
    expect(hit.score).toBeGreaterThanOrEqual(body.threshold);
  });

  it('takes normalized events, and the same input gives the same scores (no state leaks between requests)', async () => {
    const events = cloudRecords()
      .filter((r) => r.source === 's3')
      .slice(0, 300)
      .map((r) => r.event);
    const token = await h.token('viewer');
    const a = await h.call({ method: 'POST', url: '/v1/score', token, payload: { events, topFeatures: 0 } });
    const b = await h.call({ method: 'POST', url: '/v1/score', token, payload: { events, topFeatures: 0 } });
    expect(a.statusCode).toBe(200);
    expect(a.json().events).toBe(300);
    expect(b.json().rows).toEqual(a.json().rows);
  });

  it('rejects bad input naming the field, unauthenticated callers, and oversize batches', async () => {
    const token = await h.token('viewer');
    const bad = await h.call({
      method: 'POST',
      url: '/v1/score',
      token,
      payload: { events: [{ ts: 'x', source: 'vpc', action: 'flow', outcome: 'success', raw: '' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toMatch(/^events\.0/);
    const noFormat = await h.call({ method: 'POST', url: '/v1/score', token, payload: { lines: ['x'] } });
    expect(noFormat.json().error.field).toBe('format');
    const anon = await h.call({ method: 'POST', url: '/v1/score', payload: { format: 'vpc', lines: [] } });
    expect(anon.statusCode).toBe(401);
    const big = await h.call({
      method: 'POST',
      url: '/v1/score',
      token,
      payload: { format: 'vpc', lines: Array.from({ length: 5001 }, () => 'x') },
    });
    expect(big.statusCode).toBe(400);
  });
});
