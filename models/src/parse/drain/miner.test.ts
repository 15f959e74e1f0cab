import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { drainReport, PUBLISHED_DRAIN_GA, scoreLoghub } from './loghub.ts';
import { maskToken, tokenize, WILDCARD } from './mask.ts';
import { TemplateMiner } from './miner.ts';
import { groupingAccuracy } from './score.ts';

describe('masking', () => {
  it('masks IPs, numbers, hex, paths, host names, ids and dates; keeps words', () => {
    expect(maskToken('173.234.31.186')).toBe(WILDCARD);
    expect(maskToken('[173.234.31.186]')).toBe('[<*>]');
    expect(maskToken('rhost=5.36.59.76.dynamic-dsl-ip.omantel.net.om')).toBe('rhost=<*>');
    expect(maskToken('uid=0')).toBe('uid=<*>');
    expect(maskToken('sshd[24200]:')).toBe('sshd[<*>]:');
    expect(maskToken('0x7f3a')).toBe(WILDCARD);
    expect(maskToken('/var/log/auth.log')).toBe(WILDCARD);
    expect(maskToken('bob@host.example.com')).toBe(WILDCARD);
    expect(maskToken('blk_-1727475099218615100')).toBe(WILDCARD);
    expect(maskToken('rdd_2_0')).toBe(WILDCARD);
    expect(maskToken('preauth]')).toBe('preauth]');
    expect(maskToken('x'.repeat(500))).toBe(WILDCARD);
    expect(tokenize('connection from 1.2.3.4 () at Fri Jul  1 07:57:30 2005')).toEqual([
      'connection',
      'from',
      WILDCARD,
      '()',
      'at',
      ...Array(5).fill(WILDCARD),
    ]);
  });
});

describe('TemplateMiner', () => {
  it('groups messages that differ in variables and separates different shapes', () => {
    const m = new TemplateMiner();
    const a = m.add('Invalid user webmaster from 173.234.31.186');
    const b = m.add('Invalid user test from 10.0.0.1');
    const c = m.add('Accepted password for fztu from 119.137.62.142 port 49116 ssh2');
    expect(b.templateId).toBe(a.templateId);
    expect(b.template).toBe('Invalid user <*> from <*>');
    expect(c.templateId).not.toBe(a.templateId);
    expect(m.match('Invalid user oracle from 1.1.1.1')?.templateId).toBe(a.templateId);
    expect(m.match('something never seen')).toBeUndefined();
    expect(m.templates()[0]).toMatchObject({ templateId: a.templateId, size: 2 });
  });

  it('bounds memory: evicts the least recently used cluster', () => {
    const m = new TemplateMiner({ maxClusters: 3 });
    const first = m.add('alpha one');
    for (const w of ['beta', 'gamma', 'delta', 'epsilon']) m.add(`${w} ${w} ${w}`);
    expect(m.clusterCount).toBe(3);
    expect(m.match('alpha one')).toBeUndefined();
    const again = m.add('alpha one');
    expect(again.templateId).not.toBe(first.templateId);
  });

  it('validates its config, naming the key', () => {
    expect(() => new TemplateMiner({ simThreshold: 2 })).toThrow(/simThreshold/);
    expect(() => new TemplateMiner({ depth: 1 })).toThrow(/depth/);
  });
});

describe('grouping accuracy', () => {
  it('counts a message correct only when its whole group matches the truth group', () => {
    expect(groupingAccuracy([1, 1, 2, 3], ['a', 'a', 'b', 'b'])).toBe(0.5);
    expect(groupingAccuracy([1, 1, 1], ['a', 'a', 'b'])).toBe(0);
    expect(groupingAccuracy(['x', 'y'], ['a', 'b'])).toBe(1);
    expect(() => groupingAccuracy([1], [])).toThrow();
  });
});

const DATA = path.resolve(import.meta.dirname, '../../../..', '../shared/data');
const present = existsSync(path.join(DATA, 'loghub-2.0'));
if (!present) console.warn(`Drain GA quality gate skipped: ${DATA}/loghub-2.0 is absent`);

describe.skipIf(!present)('quality gate: GA above Drain as published (Zhu et al. 2019)', () => {
  for (const dataset of ['Linux', 'OpenSSH']) {
    it(`${dataset}: corrected and original ground truth`, () => {
      for (const variant of ['corrected', 'original'] as const) {
        const s = scoreLoghub(DATA, dataset, variant);
        expect(s.messages).toBe(2000);
        expect(s.ga, `${dataset} ${variant}`).toBeGreaterThan(PUBLISHED_DRAIN_GA[dataset]);
      }
    });
  }

  it('drainReport gives the figures for docs', () => {
    const rows = drainReport(DATA);
    expect(rows.map((r) => `${r.dataset}/${r.variant}`)).toEqual([
      'Linux/corrected',
      'Linux/original',
      'OpenSSH/corrected',
      'OpenSSH/original',
    ]);
  });
});
