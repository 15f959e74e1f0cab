import { describe, expect, it } from 'vitest';
import type { AwsError } from '../core/errors.ts';
import { compileFilterPattern } from './filter-pattern.ts';

const lines = [
  '[ERROR] Exiting with code 1',
  'ERROR: disk full on /dev/nvme0n1p1',
  'WARN low memory',
  'sshd[42]: Failed password for invalid user admin from 198.51.100.7 port 22 ssh2',
  'ERRORS were ignored',
  'say "hi" to everyone',
];
const match = (pattern: string) => lines.filter(compileFilterPattern(pattern));

describe('compileFilterPattern', () => {
  it('matches everything for an empty or blank pattern', () => {
    expect(match('')).toEqual(lines);
    expect(match('   ')).toEqual(lines);
  });

  it('matches bare terms as whole, case-sensitive words', () => {
    expect(match('ERROR')).toEqual([lines[0], lines[1]]);
    expect(match('error')).toEqual([]);
    expect(match('ERROR disk')).toEqual([lines[1]]);
  });

  it('matches quoted terms as exact text, punctuation and spaces included', () => {
    expect(match('"Failed password"')).toEqual([lines[3]]);
    expect(match('"ERROR"')).toEqual([lines[0], lines[1], lines[4]]);
    expect(match('"say \\"hi\\""')).toEqual([lines[5]]);
  });

  it('supports ?alternatives and -exclusions', () => {
    expect(match('?WARN ?"Failed password"')).toEqual([lines[2], lines[3]]);
    expect(match('ERROR -Exiting')).toEqual([lines[1]]);
    expect(match('-ERROR -ERRORS')).toEqual([lines[2], lines[3], lines[5]]);
  });

  it('refuses what it does not implement, naming it, instead of matching wrongly', () => {
    for (const [pattern, why] of [
      ['{ $.level = "ERROR" }', /JSON/],
      ['[ip, user, ts]', /space-delimited/],
      ['%ERR.R%', /regex/],
      ['user=admin', /quote it/],
      ['?ERROR WARN', /cannot be combined/],
      ['"unterminated', /unterminated/],
    ] as const) {
      expect(() => compileFilterPattern(pattern), pattern).toThrow(why);
      try {
        compileFilterPattern(pattern);
      } catch (err) {
        expect((err as AwsError).code).toBe('InvalidParameterException');
      }
    }
  });

  it('stays linear on hostile input', () => {
    const message = `${'a'.repeat(200_000)}b`;
    const started = performance.now();
    expect(compileFilterPattern('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab')(message)).toBe(false);
    expect(compileFilterPattern('"aaaaaaaaaaaaaaaab"')(message)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
