import { describe, expect, it } from 'vitest';
import { compileCidrs, inCidrs, parseIp, unblockableRange } from './ip.ts';

describe('parseIp', () => {
  it('normalises valid addresses', () => {
    expect(parseIp('45.33.32.156')).toMatchObject({ ok: true, ip: { kind: 'ipv4', text: '45.33.32.156' } });
    expect(parseIp('2A00:1450:4001:081C:0000::200E')).toMatchObject({
      ok: true,
      ip: { text: '2a00:1450:4001:81c::200e' },
    });
    expect(parseIp('::ffff:45.33.32.156')).toMatchObject({ ok: true, ip: { kind: 'ipv4', text: '45.33.32.156' } });
  });

  it('rejects everything else, including shell metacharacters, control bytes and odd IPv4 spellings', () => {
    const hostile = [
      '1.2.3.4; rm -rf /',
      '$(reboot)',
      '`id`',
      "1.2.3.4' || '",
      '1.2.3.4\n5.6.7.8',
      '\u001b[31m1.2.3.4',
      ' 1.2.3.4',
      '1.2.3.4/24',
      '0x7f.0.0.1',
      '127.1',
      '01.02.03.04',
      '2130706433',
      'fe80::1%eth0',
      '::1 }; flush ruleset; {',
      '',
      'a'.repeat(100),
      42,
      null,
    ];
    for (const value of hostile) expect(parseIp(value).ok, JSON.stringify(value)).toBe(false);
  });

  it('names the ranges that are never blocked', () => {
    const range = (s: string) => {
      const r = parseIp(s);
      if (!r.ok) throw new Error(r.reason);
      return unblockableRange(r.addr);
    };
    for (const s of ['127.0.0.1', '::1', '0.0.0.0', '::', '169.254.169.254', 'fe80::1', '224.0.0.1', 'ff02::1']) {
      expect(range(s), s).not.toBeNull();
    }
    expect(range('255.255.255.255')).toMatch(/broadcast/);
    expect(range('::ffff:127.0.0.1')).toMatch(/loopback/);
    expect(range('45.33.32.156')).toBeNull();
    expect(range('10.1.2.3')).toBeNull(); // private peers can attack too; protect them with allowCidrs
  });

  it('matches allowlisted CIDRs per family', () => {
    const cidrs = compileCidrs(['10.0.0.0/16', '2001:db8::/32', '100.64.1.1']);
    const hit = (s: string) => {
      const r = parseIp(s);
      return r.ok && inCidrs(r.addr, cidrs) !== undefined;
    };
    expect([hit('10.0.200.1'), hit('10.1.0.1'), hit('2001:db8::7'), hit('100.64.1.1'), hit('100.64.1.2')]).toEqual([
      true,
      false,
      true,
      true,
      false,
    ]);
  });
});
