import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { confusion, type EvalSession, evaluateDeepLog } from './deeplog-eval.ts';
import { evaluateLoghubBgl, formatLoghubReport, PUBLISHED_DEEPLOG_BGL_F1 } from './deeplog-loghub.ts';
import { parseCsv, readStructuredCsv } from './loghub-csv.ts';
import { syntheticSessions } from './test-data.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const DATA = path.resolve(ROOT, '../shared/data');
const hasBgl = existsSync(path.join(DATA, 'loghub', 'BGL', 'BGL_2k.log_structured.csv'));
if (!hasBgl) console.warn(`Loghub BGL test skipped: ${DATA}/loghub/BGL is absent (shared samples are not in the repo)`);

const FAST = { window: 6, embeddingDim: 6, units: 12, layers: 1, epochs: 8, batchSize: 128, learningRate: 0.02 };

describe('loghub CSV reader', () => {
  it('handles quotes, doubled quotes, CRLF and quoted newlines, keeping start lines', () => {
    const text = 'a,b\r\n1,"x, ""y"""\r\n2,"multi\nline"\n3,plain\n';
    const records = parseCsv(text);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 5]);
    expect(records[1].fields).toEqual(['1', 'x, "y"']);
    expect(records[2].fields).toEqual(['2', 'multi\nline']);
  });

  it('rejects rows of the wrong width with their line numbers and names missing columns', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'vigil-csv-'));
    const file = path.join(dir, 'x.csv');
    await writeFile(file, 'LineId,EventId\n1,E1\n2,E2,extra\n3,E3\n');
    const csv = await readStructuredCsv(file, ['EventId']);
    expect(csv.rows.map((r) => r.EventId)).toEqual(['E1', 'E3']);
    expect(csv.lines).toEqual([2, 4]);
    expect(csv.rejected).toEqual([{ line: 3, reason: '3 fields, header has 2' }]);
    await expect(readStructuredCsv(file, ['Label'])).rejects.toThrow(/x\.csv: header lacks column\(s\) Label/);
    await rm(dir, { recursive: true });
  });
});

describe('DeepLog evaluation (chronological split)', () => {
  it('computes precision, recall and F1 from flags', () => {
    const c = confusion(Uint8Array.from([1, 1, 0, 0, 1]), [true, false, true, false, true], 3);
    expect(c).toMatchObject({ tp: 2, fp: 1, fn: 1, tn: 1 });
    expect(c.f1).toBeCloseTo(2 / 3, 10);
  });

  it('trains on the earlier, normal sessions only and detects injected anomalies later', async () => {
    const early = syntheticSessions(120, 1, 0.2);
    const late = syntheticSessions(60, 2, 0.3);
    const sessions: EvalSession[] = [...early.sessions, ...late.sessions].map((templates, i) => ({
      templates,
      label: (i < 120 ? early.labels[i] : late.labels[i - 120]) === 1,
    }));
    const r = await evaluateDeepLog(sessions, { trainFraction: 120 / 180, topG: 2, config: FAST });
    expect(r.trainSessions).toBe(early.labels.filter((l) => l === 0).length);
    expect(r.testSessions).toBe(60);
    expect(r.testAnomalous).toBe(late.labels.filter(Boolean).length);
    expect(r.metrics!.f1).toBeGreaterThan(0.9);
    expect(r.metrics!.f1).toBeGreaterThan(r.allFlaggedF1!);
    expect(r.sweep.map((c) => c.g)).toContain(1);
  });

  it('flags a session containing a template never seen in training', async () => {
    const base = syntheticSessions(60, 3).sessions.map((templates) => ({ templates, label: false }));
    base.push({ templates: ['E0', 'E1', 'E2', 'NEW', 'E4'], label: true });
    const r = await evaluateDeepLog(base, { trainFraction: 0.8, topG: 5, config: FAST });
    expect(r.unseenTestEvents).toBe(1);
    expect(r.metrics!.tp).toBe(1);
  });

  it('refuses a split that leaves nothing to test', async () => {
    const s = [{ templates: ['a', 'b'] }, { templates: ['a', 'b'] }];
    await expect(evaluateDeepLog(s, { trainFraction: 1 })).rejects.toThrow(/trainFraction 1/);
  });

  it.skipIf(!hasBgl)('runs on Loghub BGL_2k and reports F1 next to the published figure', async () => {
    const report = await evaluateLoghubBgl(DATA, { config: { ...FAST, window: 10, epochs: 5 }, log: () => {} });
    console.info(formatLoghubReport(report));
    expect(report.lines).toBe(2000);
    expect(report.rejectedLines).toEqual([]);
    expect(report.anomalousLines).toBe(143);
    expect(report.result.testSessions).toBe(20);
    expect(report.publishedF1).toBe(PUBLISHED_DEEPLOG_BGL_F1);
    const m = report.result.metrics!;
    expect(m.tp + m.fn).toBe(report.result.testAnomalous);
    expect(m.f1).toBeGreaterThanOrEqual(0);
    expect(m.f1).toBeLessThanOrEqual(1);
  });
});
