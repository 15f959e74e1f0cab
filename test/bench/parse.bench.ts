/**
 * Parser throughput next to the raw cost of reading the same bytes into lines, in one process and one core.
 *
 *   npx tsx test/bench/parse.bench.ts [datasetDir]
 *
 * With a dataset directory (e.g. the output of `vigil data generate`) every log file in it is measured. Without one,
 * an in-memory corpus is built by repeating the real samples under ../shared/data to ~200k lines per format
 * (process/disk have no public samples: those lines are synthetic, shaped as docs/log-contract.md shows).
 * Prints one JSON line per measurement: {name, format, lines, linesPerSec, rawLinesPerSec, ratio}.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { detectFormat } from '../../models/src/parse/detect.ts';
import { TemplateMiner } from '../../models/src/parse/drain/miner.ts';
import { listInputFiles } from '../../models/src/parse/reader/files.ts';
import { LineSplitter } from '../../models/src/parse/reader/lines.ts';
import { createParser } from '../../models/src/parse/registry.ts';
import type { LogFormat } from '../../models/src/parse/types.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHARED = path.resolve(ROOT, '../shared/data');
const TARGET_LINES = 200_000;

// ---- in-memory corpus from the real samples ----

export interface CorpusFormat {
  format: LogFormat;
  fileName: string;
  buffer: Buffer;
}

export interface BenchCorpus {
  formats: CorpusFormat[];
  drainMessages: string[];
}

function lines(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
}

/** Repeat sample lines until about `target` lines (never splits a sample mid-way). */
function repeat(sample: string[], target: number): Buffer {
  if (sample.length === 0) return Buffer.alloc(0);
  const out: string[] = [];
  while (out.length < target) out.push(...sample);
  return Buffer.from(`${out.join('\n')}\n`);
}

/** CloudTrail records from panther's scenarios and rule tests (only complete records with a real eventTime). */
function cloudtrailRecords(shared: string): string[] {
  const out: string[] = [];
  const scen = path.join(shared, 'panther-analysis/scenarios_native');
  if (existsSync(scen)) {
    for (const d of readdirSync(scen)) {
      for (const f of readdirSync(path.join(scen, d))) {
        if (f.endsWith('_cloudtrail.jsonl')) out.push(...lines(path.join(scen, d, f)));
      }
    }
  }
  for (const l of lines(path.join(shared, 'panther-analysis/rule_tests/aws_cloudtrail_rule_tests.jsonl'))) {
    const log = (JSON.parse(l) as { log?: Record<string, unknown> }).log;
    if (log && typeof log.eventTime === 'string' && /^\d{4}-/.test(log.eventTime) && log.eventName) {
      out.push(JSON.stringify(log));
    }
  }
  return out;
}

/** CloudWatch Logs events of a Lambda function, from the AWS docs' log lines. */
function lambdaEvents(shared: string): string[] {
  const doc = path.join(shared, 'awsdocs-lambda/lambda_doc_log_blocks.md');
  const msgs = lines(doc)
    .map((l) => l.trim())
    .filter((l) => /^(START|END|REPORT) RequestId|^\d{4}-\d\d-\d\dT.*\t/.test(l));
  let t = Date.UTC(2024, 5, 1);
  return msgs.map((message, i) =>
    JSON.stringify({
      logGroupName: '/aws/lambda/orders-api',
      logStreamName: '2024/06/01/[$LATEST]0123456789abcdef0123456789abcdef',
      timestamp: (t += 37),
      message: `${message}\n`,
      ingestionTime: t + 500,
      eventId: String(37000000000000 + i),
    }),
  );
}

function syntheticSamples(kind: 'process' | 'disk'): string[] {
  const out: string[] = [];
  for (let i = 0; i < 500; i++) {
    const ts = new Date(Date.UTC(2025, 2, 1) + i * 60_000).toISOString();
    if (kind === 'process') {
      out.push(
        JSON.stringify({
          ts,
          host: `web-${i % 7}`,
          pid: 1000 + i,
          ppid: 1,
          user: i % 3 ? 'www-data' : 'root',
          comm: i % 2 ? 'nginx' : 'java',
          exe: i % 2 ? '/usr/sbin/nginx' : '/usr/bin/java',
          cmdline: 'nginx: worker process',
          startTime: 1740830400000 + i,
          cpu: (i % 50) / 3,
          memMb: 40 + (i % 100),
          state: 'S',
        }),
      );
    } else {
      out.push(
        JSON.stringify({
          ts,
          host: `web-${i % 7}`,
          mount: i % 2 ? '/' : '/var',
          fs: '/dev/nvme0n1p1',
          sizeBytes: 8589934592,
          usedBytes: 4294967296 + i * 1000,
        }),
      );
    }
  }
  return out;
}

export function benchCorpus(shared: string, target: number): BenchCorpus {
  const p = (...parts: string[]) => path.join(shared, ...parts);
  const syslog = [
    ...lines(p('loghub/OpenSSH/OpenSSH_2k.log')),
    ...lines(p('loghub/Linux/Linux_2k.log')),
    ...['test-auth.log', 'test-secure-rhel7.log', 'test-auth-ubuntu1204.log'].flatMap((f) =>
      lines(p('elastic-integrations/system-auth', f)),
    ),
  ];
  const vpc = [
    ...lines(p('elastic-integrations/aws-vpcflow/test-extra-samples.log')),
    ...lines(p('panther-analysis/scenarios_native/compromised-root-creds/attacker_vpc.log')),
    ...lines(p('awsdocs-examples/vpc_flow_records_extracted.log')).filter((l) => l.startsWith('2 ')),
  ];
  const s3 = [
    ...lines(p('elastic-integrations/aws-s3access/test-s3-server-access.log')),
    ...lines(p('awsdocs-examples/s3_access_records_extracted.log')),
    ...lines(p('panther-analysis/scenarios_native/compromised-root-creds/attacker_s3_access.log')),
  ];
  const formats: CorpusFormat[] = [
    { format: 'syslog', fileName: 'auth.log', buffer: repeat(syslog, target) },
    { format: 'vpc', fileName: 'vpc/flowlogs.log', buffer: repeat(vpc, target) },
    { format: 's3', fileName: 's3/bucket.log', buffer: repeat(s3, target) },
    { format: 'cloudtrail', fileName: 'cloudtrail/events.jsonl', buffer: repeat(cloudtrailRecords(shared), target) },
    { format: 'lambda', fileName: 'lambda/orders-api.jsonl', buffer: repeat(lambdaEvents(shared), target) },
    { format: 'process', fileName: 'ec2/web-1/process.jsonl', buffer: repeat(syntheticSamples('process'), target) },
    { format: 'disk', fileName: 'ec2/web-1/disk.jsonl', buffer: repeat(syntheticSamples('disk'), target) },
  ].filter((f) => f.buffer.length > 0) as CorpusFormat[];
  const drainMessages = syslog.map((l) => l.replace(/^.*?\]?: /, ''));
  const drain: string[] = [];
  while (drain.length < 50_000 && drainMessages.length > 0) drain.push(...drainMessages);
  return { formats, drainMessages: drain };
}

// ---- measurement ----

/**
 * Seconds per call of `fn`: the best of several runs, timed in process CPU seconds (user + system). The machine this
 * runs on is shared, so wall time mostly measures the neighbours; CPU time of a single-threaded loop is the cost on
 * one core (GC helper threads are included, which only makes the figure more conservative).
 */
function time(fn: () => void, runs = 5): { cpu: number; wall: number } {
  fn(); // warm-up (JIT)
  let cpu = Number.POSITIVE_INFINITY;
  let wall = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const w = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
    wall = Math.min(wall, w);
  }
  return { cpu, wall };
}

/** Feed a buffer as a file read would: 1 MiB chunks. */
function pushChunks(s: LineSplitter, buf: Buffer): void {
  for (let o = 0; o < buf.length; o += CHUNK) s.push(buf.subarray(o, Math.min(buf.length, o + CHUNK)));
  s.end();
}

const CHUNK = 1 << 20;

function splitOnly(buf: Buffer): number {
  let n = 0;
  const s = new LineSplitter({ line: () => n++, bad: () => n++ });
  pushChunks(s, buf);
  return n;
}

function parseAll(buf: Buffer, format: LogFormat, fileName: string): { lines: number; events: number; errors: number } {
  const parser = createParser(format, { year: 2024, fileName, referenceTimeMs: Date.UTC(2024, 11, 31) });
  const ctx = { file: fileName, line: 0 };
  let lines = 0;
  let events = 0;
  let errors = 0;
  const s = new LineSplitter({
    line: (text, n) => {
      lines++;
      ctx.line = n;
      const r = parser.parse(text, ctx);
      if (r.ok) events++;
      else if ('error' in r) errors++;
    },
    bad: () => {
      lines++;
      errors++;
    },
  });
  pushChunks(s, buf);
  return { lines, events, errors };
}

function measure(name: string, format: LogFormat, buf: Buffer, fileName: string) {
  const raw = time(() => splitOnly(buf));
  const counts = parseAll(buf, format, fileName);
  const t = time(() => parseAll(buf, format, fileName));
  const linesPerSec = Math.round(counts.lines / t.cpu);
  const rawLinesPerSec = Math.round(counts.lines / raw.cpu);
  const row = {
    name,
    format,
    lines: counts.lines,
    events: counts.events,
    errors: counts.errors,
    MBps: Math.round((buf.length / t.cpu / 1e6) * 10) / 10,
    linesPerSec,
    rawLinesPerSec,
    ratio: Math.round((linesPerSec / rawLinesPerSec) * 1000) / 1000,
    wallLinesPerSec: Math.round(counts.lines / t.wall),
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

function drainBench(messages: string[]) {
  let n = 0;
  const t = time(() => {
    const m = new TemplateMiner();
    for (const msg of messages) m.add(msg);
    n = m.clusterCount;
  }, 3);
  const row = {
    name: 'drain',
    format: 'syslog-messages',
    lines: messages.length,
    clusters: n,
    linesPerSec: Math.round(messages.length / t.cpu),
    rawLinesPerSec: null,
    ratio: null,
    wallLinesPerSec: Math.round(messages.length / t.wall),
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

async function benchDataset(dir: string) {
  for (const f of await listInputFiles([dir])) {
    let buf = readFileSync(f.path);
    if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
    const head = buf
      .subarray(0, 64 * 1024)
      .toString('utf8')
      .split('\n');
    const format = detectFormat(head, f.path);
    if (format) measure(path.relative(dir, f.path), format, buf, f.path);
  }
}

async function main() {
  const dir = process.argv[2];
  if (dir) {
    await benchDataset(path.resolve(dir));
    return;
  }
  const corpus = benchCorpus(SHARED, TARGET_LINES);
  for (const c of corpus.formats) measure(`corpus:${c.format}`, c.format, c.buffer, c.fileName);
  drainBench(corpus.drainMessages);
}

await main();
