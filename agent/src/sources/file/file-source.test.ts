import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateDb } from '../../state/db.ts';
import type { FileSourceConfig } from './config.ts';
import { FileSource } from './file-source.ts';
import { CollectingSink, sleep, waitFor } from './test-helpers.ts';

let root: string;
let log: string;
let db: StateDb;
const sources: FileSource[] = [];

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'vigil-tail-'));
  log = path.join(root, 'var/log');
  mkdirSync(log, { recursive: true });
  db = StateDb.open(path.join(root, 'state/agent.db'));
});
afterEach(async () => {
  for (const s of sources.splice(0)) await s.stop();
  db.close();
  rmSync(root, { recursive: true, force: true });
});

function source(extra: Partial<FileSourceConfig> = {}): FileSource {
  const s = new FileSource(
    { type: 'file', id: 'files', root, pollIntervalMs: 50, rotateWaitMs: 100, ...extra },
    { checkpoints: db.checkpoints },
  );
  sources.push(s);
  return s;
}

const auth = () => `file:${path.join(log, 'auth.log')}`;

describe('FileSource', () => {
  it('tails the default paths under the sandbox root with their kinds', async () => {
    writeFileSync(path.join(log, 'auth.log'), 'a1\na2\n');
    writeFileSync(path.join(log, 'messages'), 'm1\n');
    writeFileSync(path.join(log, 'auth.log.1'), 'old rotated file, not tailed\n');
    const sink = new CollectingSink();
    await source().start(sink);
    await waitFor('initial lines', () => sink.count() === 3);
    appendFileSync(path.join(log, 'auth.log'), 'a3\n');
    await waitFor('appended line', () => sink.count() === 4);
    expect(sink.lines.get(auth())).toEqual(['a1', 'a2', 'a3']);
    const kinds = Object.fromEntries(sink.batches.map((b) => [path.basename(b.path), b.kind]));
    expect(kinds).toEqual({ 'auth.log': 'ec2.auth', messages: 'ec2.syslog' });
    expect(sink.batches.at(-1)).toMatchObject({ firstLineNo: 3, startOffset: 6, endOffset: 9 });
  });

  it('tails configured globs and ignores rotated names that match them', async () => {
    mkdirSync(path.join(log, 'app'));
    writeFileSync(path.join(log, 'app/api.log'), 'x\n');
    writeFileSync(path.join(log, 'app/api.log.1'), 'rotated\n');
    writeFileSync(path.join(log, 'app/notes.txt'), 'no\n');
    const sink = new CollectingSink();
    await source({ defaults: false, paths: [{ path: '/var/log/app/*.log*', kind: 'ec2.syslog' }] }).start(sink);
    await waitFor('glob match', () => sink.count() === 1);
    writeFileSync(path.join(log, 'app/worker.log'), 'w\n');
    await waitFor('late glob match', () => sink.count() === 2);
    expect([...sink.lines.keys()].map((k) => path.basename(k)).sort()).toEqual(['api.log', 'worker.log']);
  });

  it('rejects a configured path that escapes the root, naming the key', () => {
    expect(() => source({ paths: [{ path: '/var/log/../../etc/shadow', kind: 'ec2.auth' }] })).toThrow(
      /paths\.0\.path: must not contain \. or \.\. segments/,
    );
  });

  it('picks up a file (and its directory) that appear after start, from the first byte', async () => {
    rmSync(log, { recursive: true });
    const sink = new CollectingSink();
    await source({ startAt: 'end' }).start(sink);
    await sleep(100);
    mkdirSync(log, { recursive: true });
    writeFileSync(path.join(log, 'secure'), 'late1\nlate2\n');
    await waitFor('late file', () => sink.count() === 2);
    appendFileSync(path.join(log, 'secure'), 'late3\n');
    await waitFor('late append', () => sink.count() === 3);
  });

  it('holds a partial last line until its newline arrives', async () => {
    const f = path.join(log, 'auth.log');
    writeFileSync(f, 'whole\nhal');
    const sink = new CollectingSink();
    await source().start(sink);
    await waitFor('whole line', () => sink.count() === 1);
    await sleep(150);
    expect(sink.count()).toBe(1);
    appendFileSync(f, 'f line\n');
    await waitFor('completed line', () => sink.count() === 2);
    expect(sink.lines.get(auth())).toEqual(['whole', 'half line']);
  });

  it('flushes the partial last line of a file rotated away, after the grace period', async () => {
    const f = path.join(log, 'auth.log');
    writeFileSync(f, 'one\ntw');
    const sink = new CollectingSink();
    await source().start(sink);
    await waitFor('first line', () => sink.count() === 1);
    renameSync(f, `${f}.1`);
    writeFileSync(f, 'three\n');
    await waitFor('flush + new file', () => sink.count() === 3);
    expect(sink.lines.get(auth())).toEqual(['one', 'tw', 'three']);
    expect(sink.issues.map((i) => i.code)).toContain('partial_flushed');
  });

  it('restarts at 0 after truncation and reports what was lost', async () => {
    const f = path.join(log, 'auth.log');
    writeFileSync(f, 'a\nb\nc\n');
    const sink = new CollectingSink();
    const s = source();
    await s.start(sink);
    await waitFor('3 lines', () => sink.count() === 3);
    truncateSync(f, 0);
    appendFileSync(f, 'new1\n');
    await waitFor('after truncation', () => sink.count() === 4);
    // Truncated and refilled past the old offset before the tailer looked: caught by the fingerprint.
    truncateSync(f, 0);
    appendFileSync(f, 'replacement-line-longer-than-before\nz\n');
    await waitFor('after refill', () => sink.count() === 6);
    expect(sink.lines.get(auth())).toEqual(['a', 'b', 'c', 'new1', 'replacement-line-longer-than-before', 'z']);
    expect(sink.issues.filter((i) => i.code === 'truncated')).toHaveLength(2);
    expect(s.stats().counters.truncations).toBe(2);
  });

  it('survives invalid UTF-8 and very long lines: bounded, counted, reported with line numbers', async () => {
    const f = path.join(log, 'auth.log');
    const huge = 'A'.repeat(300_000);
    writeFileSync(
      f,
      Buffer.concat([Buffer.from('ok\n'), Buffer.from([0xc0, 0xaf, 0x0a]), Buffer.from(`${huge}\nend\n`)]),
    );
    const sink = new CollectingSink();
    const s = source({ maxLineBytes: 1024, readBufferBytes: 65536 });
    await s.start(sink);
    await waitFor('4 lines', () => sink.count() === 4);
    const lines = sink.lines.get(auth())!;
    expect(lines[0]).toBe('ok');
    expect(lines[1]).toBe('\uFFFD\uFFFD');
    expect(lines[2]).toBe('A'.repeat(1024));
    expect(lines[3]).toBe('end');
    expect(sink.issues.map((i) => [i.code, i.lineNo])).toEqual([
      ['invalid_utf8', 2],
      ['line_too_long', 3],
    ]);
    expect(s.stats().counters).toMatchObject({ invalidUtf8: 1, lineTooLong: 1 });
  });

  it('stops reading when the consumer queue is full, reports lag, and resumes without dropping', async () => {
    const f = path.join(log, 'auth.log');
    const all = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
    writeFileSync(f, `${all.join('\n')}\n`);
    const sink = new CollectingSink();
    sink.autoAck = false;
    const s = source({ batchMaxLines: 100, maxInFlightBatches: 3 });
    await s.start(sink);
    await waitFor('queue full', () => sink.held.length === 3);
    await sleep(150);
    const st = s.stats();
    expect(sink.held.length).toBe(3);
    expect(st.paused).toBe(true);
    expect(st.files?.[0].lagBytes).toBeGreaterThan(30_000);
    while (sink.count() < all.length || sink.held.length > 0) {
      sink.ackHeld(1);
      await sleep(1);
    }
    expect(sink.lines.get(auth())).toEqual(all);
    expect(s.stats().files?.[0].lagBytes).toBe(0);
    expect(db.checkpoints.list(auth())[0].offset).toBe(Buffer.byteLength(`${all.join('\n')}\n`));
  });

  it('resumes from acked checkpoints only, and across a rotation that happened while stopped', async () => {
    const f = path.join(log, 'auth.log');
    writeFileSync(f, 'l1\nl2\nl3\nl4\n');
    const sink = new CollectingSink();
    sink.autoAck = false;
    const first = source({ batchMaxLines: 2 });
    await first.start(sink);
    await waitFor('two batches', () => sink.held.length === 2);
    sink.ackHeld(1); // l1, l2 acked; l3, l4 delivered but not acked
    await first.stop();
    appendFileSync(f, 'l5\n');
    renameSync(f, `${f}.1`);
    writeFileSync(f, 'n1\n');
    const again = new CollectingSink();
    await source({ batchMaxLines: 2 }).start(again);
    await waitFor('resumed', () => again.count() === 4);
    expect(again.lines.get(auth())).toEqual(['l3', 'l4', 'l5', 'n1']);
    expect(again.batches[0].path).toBe(`${f}.1`);
  });

  it('finishes a copytruncate copy that happened while stopped', async () => {
    const f = path.join(log, 'auth.log');
    const head = Array.from({ length: 60 }, (_, i) => `old line ${i} ${'x'.repeat(20)}`); // > 1 KiB fingerprint
    writeFileSync(f, `${head.join('\n')}\n`);
    const sink = new CollectingSink();
    const first = source();
    await first.start(sink);
    await waitFor('head', () => sink.count() === 60);
    await first.stop();
    appendFileSync(f, 'tail1\ntail2\n');
    writeFileSync(`${f}.1`, readFileSync(f));
    truncateSync(f, 0);
    appendFileSync(f, 'fresh\n');
    const again = new CollectingSink();
    await source().start(again);
    await waitFor('copy tail + fresh', () => again.count() === 3);
    expect(again.lines.get(auth())).toEqual(['tail1', 'tail2', 'fresh']);
  });
});
