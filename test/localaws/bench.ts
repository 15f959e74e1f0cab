import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  paginateFilterLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import { PutObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { startLocalAws } from './local-aws.ts';
import { clientConfig } from './testing.ts';

/** Throughput of the stand-ins through the real SDK clients: `npx tsx test/localaws/bench.ts`. */
async function main(): Promise<void> {
  const aws = await startLocalAws();
  const logs = new CloudWatchLogsClient(clientConfig(aws));
  const s3 = new S3Client({ ...clientConfig(aws), forcePathStyle: true });
  try {
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'bench' }));
    const batches = 20;
    const perBatch = 8_000; // ~0.92 MB with these lines: under the 1 MiB batch limit
    let t = performance.now();
    const base = Date.now() - 3600_000;
    for (let s = 0; s < 4; s++)
      await logs.send(new CreateLogStreamCommand({ logGroupName: 'bench', logStreamName: `s${s}` }));
    for (let b = 0; b < batches; b++) {
      const logEvents = Array.from({ length: perBatch }, (_, i) => ({
        timestamp: base + b * perBatch + i,
        message: `Jun  1 12:00:00 web-1 sshd[${i}]: Failed password for root from 203.0.113.${i % 250} port 22 ssh2`,
      }));
      await logs.send(new PutLogEventsCommand({ logGroupName: 'bench', logStreamName: `s${b % 4}`, logEvents }));
    }
    const putMs = performance.now() - t;
    t = performance.now();
    let read = 0;
    for await (const page of paginateFilterLogEvents({ client: logs }, { logGroupName: 'bench' }))
      read += page.events!.length;
    const filterMs = performance.now() - t;
    t = performance.now();
    aws.state.s3.createBucket('bench');
    for (let i = 0; i < 1000; i++) await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: `k/${i}`, Body: 'x' }));
    const s3PutMs = performance.now() - t;
    t = performance.now();
    let listed = 0;
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: 'bench' })) listed += page.KeyCount ?? 0;
    const listMs = performance.now() - t;
    const total = batches * perBatch;
    console.log(
      `PutLogEvents: ${total} events in ${batches} batches: ${putMs.toFixed(0)} ms (${Math.round(total / (putMs / 1000))} events/s)`,
    );
    console.log(
      `FilterLogEvents: ${read} events across 4 streams: ${filterMs.toFixed(0)} ms (${Math.round(read / (filterMs / 1000))} events/s)`,
    );
    console.log(
      `PutObject: 1000 small objects: ${s3PutMs.toFixed(0)} ms; ListObjectsV2: ${listed} keys: ${listMs.toFixed(0)} ms`,
    );
  } finally {
    logs.destroy();
    s3.destroy();
    await aws.close();
  }
}

await main();
