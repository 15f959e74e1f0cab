import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientConfig, type LocalAws, startLocalAws } from '../../../test/localaws/index.ts';
import { dbBackends } from '../../../test/support/pg.ts';
import { CloudDetector } from '../detect/cloud-detector.ts';
import { cloudRecords, vpcPortScan } from '../detect/test-data.ts';
import { type Harness, harness } from '../testing/harness.ts';
import { cloudIngestConfigFromEnv, validateCloudIngestConfig } from './config.ts';
import { cloudIngestPlugin } from './plugin.ts';
import { putEvents, TestClock } from './test-seed.ts';

const [pglite] = await dbBackends();
const clock = new TestClock();
let aws: LocalAws;
let detector: CloudDetector;
let h: Harness;

beforeAll(async () => {
  aws = await startLocalAws({ services: ['logs', 's3'], clock });
  const logs = new CloudWatchLogsClient(clientConfig(aws));
  const s3 = new S3Client({ ...clientConfig(aws), forcePathStyle: true });
  const vpc = cloudRecords()
    .filter((r) => r.source === 'vpc')
    .slice(0, 100);
  const scanAt = vpc[99].event.ts + 60_000;
  await putEvents(
    logs,
    clock,
    '/vigil/vpc-flow',
    'flows',
    [...vpc.map((r) => r.line), ...vpcPortScan(scanAt)].map((line) => ({
      timestamp: Number(line.split(' ')[10]) * 1000,
      message: line,
    })),
  );
  aws.state.s3.createBucket('access-logs');
  const s3lines = cloudRecords()
    .filter((r) => r.source === 's3')
    .slice(0, 100)
    .map((r) => r.line);
  aws.state.s3.putObject('access-logs', 'logs/2025-01-01-00-00-00-ABC', Buffer.from(s3lines.join('\n')));
  detector = await CloudDetector.load();
  const config = {
    intervalMs: 3_600_000,
    cloudwatch: { groups: [{ pattern: '/vigil/vpc-flow', format: 'vpc' }] },
    s3: { locations: [{ bucket: 'access-logs', prefix: 'logs/', format: 's3' }] },
  };
  h = await harness(
    pglite,
    {},
    {
      plugins: [cloudIngestPlugin(config, { detector, logsClient: logs, s3Client: s3, startJobs: false })],
    },
  );
}, 30_000);

afterAll(async () => {
  await h?.close();
  await aws?.close();
  await detector?.close();
});

describe('cloud ingest plugin', () => {
  it('runs on demand (admin), stores anomalies and opens incidents for them', async () => {
    const changed: string[] = [];
    h.app.vigil.events.on('incident.changed', (e) => void changed.push(e.id));
    const run = await h.call({ method: 'POST', url: '/v1/ingest/cloud/run', token: await h.token('admin') });
    expect(run.statusCode).toBe(200);
    const body = run.json();
    expect(body.error).toBeUndefined();
    expect(body.cloudwatch.events).toBe(400);
    expect(body.s3.events).toBe(100);
    const status = await h.call({ method: 'GET', url: '/v1/ingest/cloud', token: await h.token('viewer') });
    expect(status.json().last.cloudwatch.events).toBe(400);
    const { rows } = await h.t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incident_anomalies ia JOIN anomalies a ON a.seq = ia.anomaly_seq
       WHERE a.type = 'port_scan' AND a.entity_id = '198.51.100.77'`,
    );
    expect(rows[0].n).toBeGreaterThan(0);
    // cloud-correlated incidents are announced like agent ones (alerts, console)
    const opened = await h.t.db.query<{ id: string }>('SELECT id FROM incidents');
    expect(opened.rows.length).toBeGreaterThan(0);
    expect(new Set(changed)).toEqual(new Set(opened.rows.map((r) => r.id)));
    // every parsed event is counted once into the hourly series of the account-spike forecast
    const counts = await h.t.db.query<{ source: string; n: number }>(
      'SELECT source, sum(count)::int AS n FROM cloud_event_counts GROUP BY source ORDER BY source',
    );
    expect(counts.rows).toEqual([
      { source: 's3', n: 100 },
      { source: 'vpc', n: 400 },
    ]);
    expect(status.json().accountSpikes).toMatchObject({ counted: 500, dropped: 0 });
    const denied = await h.call({ method: 'POST', url: '/v1/ingest/cloud/run', token: await h.token('operator') });
    expect(denied.statusCode).toBe(403);
  });

  it('refuses bad configuration naming the key', () => {
    expect(() => validateCloudIngestConfig({ cloudwatch: { groups: [{ pattern: '/x', format: 'syslog' }] } })).toThrow(
      /cloudwatch\.groups\.0\.format/,
    );
    expect(() => cloudIngestConfigFromEnv({ VIGIL_CLOUD_INGEST: '{"intervalMs": 5}' })).toThrow(
      /VIGIL_CLOUD_INGEST.*intervalMs/,
    );
    expect(cloudIngestConfigFromEnv({})).toBeUndefined();
  });
});
