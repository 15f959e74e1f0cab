import { gzipSync } from 'node:zlib';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent, LogSource } from '../../../models/src/schema/index.ts';
import { clientConfig, type LocalAws, startLocalAws } from '../../../test/localaws/index.ts';
import { dbBackends } from '../../../test/support/pg.ts';
import { CloudDetector } from '../detect/cloud-detector.ts';
import { cloudRecords, vpcPortScan } from '../detect/test-data.ts';
import { isGzip, S3LogPuller } from './s3.ts';
import type { EventSink } from './sink.ts';

const backends = await dbBackends();
let aws: LocalAws;
let s3: S3Client;

beforeAll(async () => {
  aws = await startLocalAws({ services: ['s3'] });
  s3 = new S3Client({ ...clientConfig(aws), forcePathStyle: true, maxAttempts: 1 });
  aws.state.s3.createBucket('flow-logs');
  const vpc = cloudRecords().filter((r) => r.source === 'vpc');
  const header =
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
  const prefix = 'AWSLogs/318574629104/vpcflowlogs/us-east-1/2025/01/';
  // two delivered files (one gzipped, one whose .gz suffix was lost), then the scan
  aws.state.s3.putObject(
    'flow-logs',
    `${prefix}01/a.log.gz`,
    gzipSync([header, ...vpc.slice(0, 100).map((r) => r.line)].join('\n')),
  );
  aws.state.s3.putObject(
    'flow-logs',
    `${prefix}02/b.log`,
    gzipSync([header, ...vpc.slice(100, 200).map((r) => r.line)].join('\n')),
  );
  aws.state.s3.putObject(
    'flow-logs',
    `${prefix}03/c.log`,
    Buffer.from([header, ...vpcPortScan(vpc[199].event.ts + 60_000), 'garbage line'].join('\n')),
  );
  aws.state.s3.putObject('flow-logs', 'other/ignored.log', Buffer.from('x'));
});

afterAll(async () => {
  s3?.destroy();
  await aws?.close();
});

function sink(detector: CloudDetector, seen: LogEvent[]): EventSink {
  return {
    async score(source: LogSource, events: readonly LogEvent[]) {
      seen.push(...events);
      return (await detector.ingest(source, events)).anomalies;
    },
  };
}

describe('isGzip', () => {
  it('recognises gzip by suffix or by magic bytes', () => {
    expect(isGzip('x.gz', new Uint8Array())).toBe(true);
    expect(isGzip('x.log', gzipSync('a'))).toBe(true);
    expect(isGzip('x.log', Buffer.from('plain'))).toBe(false);
  });
});

describe.each(backends)('S3-delivered VPC flow logs ($name)', (backend) => {
  it('reads each object once (StartAfter checkpoint), gunzips, counts bad lines and stores the scan', async () => {
    const t = await backend.open();
    const detector = await CloudDetector.load();
    try {
      const seen: LogEvent[] = [];
      const loc = { bucket: 'flow-logs', prefix: 'AWSLogs/318574629104/vpcflowlogs/', format: 'vpc' as const };
      const puller = new S3LogPuller(s3, t.db, sink(detector, seen), { locations: [loc] });
      const first = await puller.pullOnce();
      expect(first.objects).toBe(3);
      expect(first.events).toBe(500);
      expect(first.rejected).toBe(1);
      expect(first.rejectedSamples[0]).toMatchObject({ file: expect.stringContaining('03/c.log'), line: 302 });
      expect(seen).toHaveLength(500);
      const again = await new S3LogPuller(s3, t.db, sink(detector, seen), { locations: [loc] }).pullOnce();
      expect(again.objects).toBe(0);
      const { rows } = await t.db.query<{ type: string; entity_id: string }>(
        "SELECT type, entity_id FROM anomalies WHERE origin = 'cloud:vpc'",
      );
      expect(rows).toContainEqual({ type: 'port_scan', entity_id: '198.51.100.77' });
    } finally {
      await detector.close();
      await t.cleanup();
    }
  }, 30_000);
});
