import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { decimal, isIp, isIpv4, isIpv6, uint } from './fields.ts';
import { parseClfTime, parseIsoMs, SyslogYear } from './time.ts';

describe('IP checks', () => {
  it('accept real addresses and reject look-alikes', () => {
    for (const ip of [
      '1.2.3.4',
      '255.255.255.255',
      '0.0.0.0',
      '::',
      '::1',
      '2001:db8::1',
      '2a02:cf40::',
      '::ffff:10.0.0.5',
    ]) {
      expect(isIp(ip), ip).toBe(true);
    }
    for (const s of [
      '1.2.3',
      '1.2.3.256',
      '1.2.3.4.5',
      '01.2.3.4x',
      '',
      ':',
      '1::2::3',
      'gggg::1',
      '-',
      'host.example.com',
    ]) {
      expect(isIp(s), s).toBe(false);
    }
    expect(isIpv6('1:2:3:4:5:6:7:8')).toBe(true);
    expect(isIpv6('1:2:3:4:5:6:7:8:9')).toBe(false);
  });

  it('agree with ipaddr.js on generated addresses', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (ip) => {
        expect(isIp(ip)).toBe(ipaddr.isValid(ip));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        if (isIpv4(s)) expect(ipaddr.IPv4.isValidFourPartDecimal(s)).toBe(true);
      }),
    );
  });

  it('parse integers and decimals strictly', () => {
    expect(uint('42')).toBe(42);
    expect(uint('-1')).toBe(-1);
    expect(uint('')).toBe(-1);
    expect(uint('1e3')).toBe(-1);
    expect(decimal('12.34')).toBe(12.34);
    expect(decimal('1.2.3')).toBeNaN();
  });
});

describe('time parsing', () => {
  it('ISO 8601 shapes', () => {
    expect(parseIsoMs('2024-05-01T12:34:56Z')).toBe(Date.UTC(2024, 4, 1, 12, 34, 56));
    expect(parseIsoMs('2024-05-01T12:34:56.123456+00:00')).toBe(Date.UTC(2024, 4, 1, 12, 34, 56, 123));
    expect(parseIsoMs('2024-05-01T14:34:56+0200')).toBe(Date.UTC(2024, 4, 1, 12, 34, 56));
    expect(parseIsoMs('2019-01-01 00:00:00.000000000')).toBe(Date.UTC(2019, 0, 1));
    for (const bad of [
      '2024-02-30T00:00:00Z',
      '2024-13-01T00:00:00Z',
      'redacted',
      '2024-05-01',
      '2024-05-01T12:34:56Zjunk',
    ]) {
      expect(parseIsoMs(bad), bad).toBeNaN();
    }
  });

  it('agrees with Date.parse on generated ISO times', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1971-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (d) => {
        expect(parseIsoMs(d.toISOString())).toBe(d.getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('CLF time of S3 access logs', () => {
    const s = '06/Feb/2019:00:00:38 +0000';
    expect(parseClfTime(s, 0, s.length)).toBe(Date.UTC(2019, 1, 6, 0, 0, 38));
    const t = '06/Feb/2019:02:00:38 +0200';
    expect(parseClfTime(t, 0, t.length)).toBe(Date.UTC(2019, 1, 6, 0, 0, 38));
    expect(parseClfTime('31/Feb/2019:00:00:38 +0000', 0, 26)).toBeNaN();
  });

  it('SyslogYear rolls over on a big jump back only', () => {
    const y = new SyslogYear(2024, undefined);
    expect([y.resolve(11), y.resolve(0), y.resolve(1), y.resolve(0)]).toEqual([2024, 2025, 2025, 2025]);
  });
});
