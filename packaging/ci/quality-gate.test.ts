import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Evaluation, main, qualityGate, readEvaluation } from './quality-gate.ts';

// Real inputs: `vigil models evaluate --data data/generalization --bundle models/bundles/default --json` (the fixture)
// and the committed bundle's model card, whose generalization section is the same evaluation.
const FIXTURE = path.join(import.meta.dirname, 'fixtures/evaluate-default-generalization.json');
const CARD = path.resolve(import.meta.dirname, '../../models/bundles/default/model-card.json');
const evaluateJson = () => JSON.parse(readFileSync(FIXTURE, 'utf8'));
const cardJson = () => JSON.parse(readFileSync(CARD, 'utf8'));
const tmp = mkdtempSync(path.join(tmpdir(), 'vigil-gate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function withChange(mutate: (byType: Record<string, Record<string, number | null>>) => void): Evaluation {
  const json = evaluateJson();
  mutate(json.byType);
  return readEvaluation(json, 'candidate.json');
}

describe('qualityGate', () => {
  const released = () => readEvaluation(evaluateJson(), 'released.json');

  it('passes the same model, and the committed card agrees with a fresh evaluation', () => {
    const r = qualityGate(released(), readEvaluation(cardJson(), 'model-card.json', 'generalization'));
    expect(r.passed).toBe(true);
    expect(r.rows).toHaveLength(21 * 2);
    expect(r.rows.every((x) => x.drop === 0)).toBe(true);
  });

  it('fails when one type loses more than two points of window recall, and names it', () => {
    const r = qualityGate(
      released(),
      withChange((t) => {
        t.crypto_miner.recall = (t.crypto_miner.recall as number) - 0.021;
      }),
    );
    expect(r.passed).toBe(false);
    expect(r.failures).toEqual([expect.objectContaining({ type: 'crypto_miner', metric: 'recall', failed: true })]);
    expect(r.failures[0].drop).toBeCloseTo(0.021, 9);
  });

  it('allows a drop of exactly two points and any improvement', () => {
    const r = qualityGate(
      released(),
      withChange((t) => {
        t.disk_fill.recall = (t.disk_fill.recall as number) - 0.02;
        t.port_scan.recall = 0.99;
      }),
    );
    expect(r.passed).toBe(true);
  });

  it('fails when an incident the released model caught is missed (incident recall 1.0 -> 0.9)', () => {
    const r = qualityGate(
      released(),
      withChange((t) => {
        t.ssh_brute_force.incidentRecall = 0.9;
      }),
    );
    expect(r.failures.map((f) => `${f.type}.${f.metric}`)).toEqual(['ssh_brute_force.incidentRecall']);
  });

  it('fails a type the candidate no longer reports or whose recall became undefined', () => {
    const r = qualityGate(
      released(),
      withChange((t) => {
        delete t.ddos;
        t.lambda_timeout.recall = null;
      }),
    );
    expect(r.failures.map((f) => `${f.type}.${f.metric}:${f.note}`).sort()).toEqual([
      'ddos.incidentRecall:type missing',
      'ddos.recall:type missing',
      'lambda_timeout.recall:now undefined',
    ]);
  });

  it('lists a new type without gating it, and does not gate a metric the release could not measure', () => {
    const base = released();
    base.byType.unusual_region.recall = null;
    const cand = withChange((t) => {
      t.new_kind = { recall: 0.1, incidentRecall: 0 };
      t.unusual_region.recall = 0;
    });
    const r = qualityGate(base, cand);
    expect(r.passed).toBe(true);
    expect(r.rows.filter((x) => x.note === 'new type')).toHaveLength(2);
  });

  it('refuses to compare evaluations of different datasets', () => {
    const other = evaluateJson();
    other.data = 'data/default';
    expect(() => qualityGate(released(), readEvaluation(other, 'c.json'))).toThrow(/different datasets/);
  });

  it('reads the held-out test section of model cards', () => {
    const card = readEvaluation(cardJson(), 'card.json');
    expect(card.label).toBe('card.json (model card test)');
    expect(Object.keys(card.byType)).toContain('port_scan');
    expect(() => readEvaluation({ byType: { x: { recall: 'high' } } }, 'bad.json')).toThrow(
      /bad\.json: byType\.x\.recall must be a number or null/,
    );
    expect(() => readEvaluation({ version: '1' }, 'v.json')).toThrow(/neither an evaluate output/);
  });
});

describe('quality-gate command', () => {
  it('exits 0 with a report when the gate passes and 1 when it fails', () => {
    const worse = evaluateJson();
    worse.byType.port_scan.recall -= 0.05;
    writeFileSync(path.join(tmp, 'worse.json'), JSON.stringify(worse));
    let report = '';
    expect(main(['--baseline', FIXTURE, '--candidate', FIXTURE], (s) => (report += s))).toBe(0);
    expect(report).toMatch(/^Quality gate passed/);
    report = '';
    expect(main(['--baseline', FIXTURE, '--candidate', path.join(tmp, 'worse.json')], (s) => (report += s))).toBe(1);
    expect(report).toMatch(/^Quality gate FAILED: 1 figure/);
    expect(report).toMatch(/\| \*\*FAIL\*\* \| port_scan \| recall \| 0\.621 \| 0\.571 \| -5\.0 \|/);
  });

  it('names a bad flag', () => {
    expect(() => main(['--baseline', FIXTURE, '--candidate', FIXTURE, '--metrics', 'recal'])).toThrow(/'recal'/);
    expect(() => main(['--baseline', FIXTURE, '--candidate', FIXTURE, '--max-drop', '2'])).toThrow(/--max-drop/);
    expect(() => main(['--baseline', FIXTURE])).toThrow(/--candidate/);
  });
});
