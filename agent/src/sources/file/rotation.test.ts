import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateDb } from '../../state/db.ts';
import { FileSource } from './file-source.ts';
import { CollectingSink, waitFor } from './test-helpers.ts';

const WRITER = fileURLToPath(new URL('./fixtures/log-writer.mjs', import.meta.url));

let root: string;
let db: StateDb;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'vigil-rot-'));
  mkdirSync(path.join(root, 'var/log'), { recursive: true });
  db = StateDb.open(path.join(root, 'agent.db'));
});
afterEach(() => {
  db.close();
  rmSync(root, { recursive: true, force: true });
});

/** Run the writer child to completion; resolves with its summary line. */
function runWriter(args: object): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`writer exited ${code}: ${err}`))));
  });
}

/** null when equal, else where and how they first differ (cheap to print, unlike a diff of 12k lines). */
function firstDifference(got: string[], want: string[]): string | null {
  const i = got.findIndex((l, k) => l !== want[k]);
  if (i === -1 && got.length === want.length) return null;
  const at = i === -1 ? Math.min(got.length, want.length) : i;
  return `lengths ${got.length}/${want.length}; first difference at ${at}: got ${JSON.stringify(got[at]?.slice(0, 12))}, want ${JSON.stringify(want[at]?.slice(0, 12))}`;
}

/** The exact lines the writer produces (mirrors fixtures/log-writer.mjs). */
function expected(prefix: string, n: number): string[] {
  return Array.from(
    { length: n },
    (_, seq) => `${prefix}-${seq} sshd[${1000 + (seq % 50)}]: ${'é€x'.repeat(seq % 9)}${'payload '.repeat(seq % 13)}`,
  );
}

async function tailWhileWriting(writers: object[], expectLines: number) {
  const src = new FileSource(
    { type: 'file', id: 'files', root, pollIntervalMs: 25, rotateWaitMs: 150, batchMaxLines: 200 },
    { checkpoints: db.checkpoints },
  );
  const sink = new CollectingSink();
  await src.start(sink);
  const summaries = await Promise.all(writers.map(runWriter));
  // On timeout, fall through: the assertions below then show what is missing.
  await waitFor('all lines', () => sink.count() >= expectLines, 8000).catch(() => undefined);
  await src.stop();
  const log = path.join(root, 'var/log');
  return {
    summaries,
    auth: sink.lines.get(`file:${path.join(log, 'auth.log')}`) ?? [],
    syslog: sink.lines.get(`file:${path.join(log, 'syslog')}`) ?? [],
    counters: src.stats().counters,
    issues: sink.issues,
  };
}

describe('rotation with a real writer process', () => {
  const log = () => path.join(root, 'var/log');

  it('receives every line exactly once, in order, across rename+create and copytruncate rotations', async () => {
    const n = 12_000;
    const common = { lines: n, rotateEvery: 1500, pauseMs: 40 };
    const got = await tailWhileWriting(
      [
        { ...common, file: path.join(log(), 'auth.log'), style: 'rename', prefix: 'A' },
        { ...common, file: path.join(log(), 'syslog'), style: 'copytruncate', prefix: 'S' },
      ],
      2 * n,
    );
    expect(got.summaries).toEqual([`done ${n} rotations 7`, `done ${n} rotations 7`]);
    expect(firstDifference(got.auth, expected('A', n))).toBeNull();
    expect(firstDifference(got.syslog, expected('S', n))).toBeNull();
    expect(got.counters.rotations).toBeGreaterThanOrEqual(1);
    expect(got.counters.truncations).toBeGreaterThanOrEqual(1);
    expect(got.issues).toEqual([]);
  });

  // Opt-in: at ~30 rotations/s per file (both files at once on 2 cores) the tailer falls several generations behind
  // and recovers them from the rotated siblings. Observed: most runs exact; rarely a few lines of one copytruncate
  // generation are reported lost (`truncated` issue). Run with VIGIL_TAIL_STRESS=1.
  it.runIf(process.env.VIGIL_TAIL_STRESS === '1')(
    'at ~30 rotations/s: nothing duplicated, every loss reported',
    async () => {
      const n = 12_000;
      const common = { lines: n, rotateEvery: 400, pauseMs: 0, keep: 60 };
      const got = await tailWhileWriting(
        [
          { ...common, file: path.join(log(), 'auth.log'), style: 'rename', prefix: 'A' },
          { ...common, file: path.join(log(), 'syslog'), style: 'copytruncate', prefix: 'S' },
        ],
        2 * n,
      );
      const bySeq = (a: string, b: string) => Number(a.split(' ')[0].slice(2)) - Number(b.split(' ')[0].slice(2));
      const lost = got.counters.truncatedLostBytes ?? 0;
      console.warn(
        `stress: auth ${got.auth.length}/${n}, syslog ${got.syslog.length}/${n}, reported lost bytes ${lost}`,
      );
      expect(firstDifference([...got.auth].sort(bySeq), expected('A', n))).toBeNull();
      const syslog = [...got.syslog].sort(bySeq);
      expect(new Set(syslog).size).toBe(syslog.length);
      if (syslog.length < n) expect(lost).toBeGreaterThan(0);
    },
  );
});
