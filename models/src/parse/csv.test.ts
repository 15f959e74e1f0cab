import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../schema/event.ts';
import { CSV_COLUMNS, csvCell, csvHeader, csvRow } from './csv.ts';
import { readCsv } from './drain/loghub.ts';

const EVENT: LogEvent = {
  ts: Date.UTC(2024, 0, 2, 3, 4, 5, 6),
  source: 'ec2.auth',
  host: 'web-1',
  principal: 'evil, "user"\nname',
  srcIp: '1.2.3.4',
  srcPort: 22,
  action: 'ssh.failed',
  outcome: 'failure',
  program: 'sshd',
  pid: 7,
  message: 'Failed password',
  attrs: { method: 'password', invalidUser: true },
  raw: 'line, with "quotes"',
};

describe('CSV output', () => {
  it('has fixed columns: time, then every LogEvent field in schema order', () => {
    expect(csvHeader()).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
    expect(CSV_COLUMNS.slice(0, 3)).toEqual(['time', 'ts', 'source']);
    expect(CSV_COLUMNS.at(-1)).toBe('raw');
  });

  it('quotes per RFC 4180 and reads back to the same values', () => {
    const [header, row] = readCsv(csvHeader() + csvRow(EVENT));
    const rec = Object.fromEntries(header.map((h, i) => [h, row[i]]));
    expect(rec.time).toBe('2024-01-02T03:04:05.006Z');
    expect(rec.ts).toBe(String(EVENT.ts));
    expect(rec.principal).toBe(EVENT.principal);
    expect(rec.srcPort).toBe('22');
    expect(rec.account).toBe('');
    expect(JSON.parse(rec.attrs)).toEqual(EVENT.attrs);
    expect(rec.raw).toBe(EVENT.raw);
    expect(row).toHaveLength(CSV_COLUMNS.length);
  });

  it('optionally neutralises spreadsheet formulas', () => {
    expect(csvCell('=HYPERLINK("x")', true)).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('@SUM(A1)', true)).toBe("'@SUM(A1)");
    expect(csvCell('=1+1')).toBe('=1+1');
    expect(csvCell('plain', true)).toBe('plain');
  });
});
