import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParseResult } from './types.ts';
import { parseVpcHeader, VPC_FIELDS, VpcParser } from './vpc.ts';

const ctx = { file: 't', line: 1 };

function ok(r: ParseResult) {
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.event;
}

describe('VPC flow logs', () => {
  it('maps the v2 default format as the contract says', () => {
    const line =
      '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK';
    expect(ok(new VpcParser().parse(line, ctx))).toEqual({
      ts: 1418530010000,
      source: 'vpc',
      account: '123456789010',
      srcIp: '172.31.16.139',
      dstIp: '172.31.16.21',
      srcPort: 20641,
      dstPort: 22,
      protocol: 6,
      packets: 20,
      bytes: 4249,
      action: 'flow',
      outcome: 'success',
      status: 'ACCEPT',
      resource: 'eni-1235b8ca123456789',
      durationMs: 60000,
      attrs: { logStatus: 'OK' },
      raw: line,
    });
  });

  it('NODATA / SKIPDATA lines with "-" fields, IPv6 and REJECT', () => {
    const p = new VpcParser();
    const nodata = ok(p.parse('2 123456789010 eni-1 - - - - - - - 1431280876 1431280934 - NODATA', ctx));
    expect(nodata).toMatchObject({ outcome: 'unknown', attrs: { logStatus: 'NODATA' } });
    expect(nodata.srcIp).toBeUndefined();
    expect(nodata.status).toBeUndefined();
    const v6 = ok(
      p.parse(
        '2 123456789010 eni-1 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 REJECT OK',
        ctx,
      ),
    );
    expect(v6).toMatchObject({ outcome: 'failure', status: 'REJECT', srcIp: '2001:db8:1234:a100:8d6e:3477:df66:f105' });
  });

  it('reads custom formats from a header line (and CloudWatch format strings), skipping the header', () => {
    const p = new VpcParser();
    const header =
      'version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status';
    expect(p.parse(header, ctx)).toEqual({ ok: false, skip: 'header' });
    const e = ok(
      p.parse(
        '3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43416 5001 52.213.180.42 10.0.0.62 6 568 8 1566848875 1566848933 ACCEPT 2 OK',
        ctx,
      ),
    );
    expect(e).toMatchObject({ bytes: 568, packets: 8, resource: 'eni-1235b8ca123456789', account: '123456789010' });
    expect(e.attrs).toMatchObject({ tcpFlags: 2, vpcId: 'vpc-abcdefab012345678', instanceId: 'i-01234567890123456' });
    const cwFormat = ['version', 'account-id', 'interface-id'].map((f) => `$${'{'}${f}}`).join(' ');
    expect(parseVpcHeader(cwFormat)).toEqual(['version', 'account-id', 'interface-id']);
    expect(parseVpcHeader('version bogus')).toBeUndefined();
  });

  it('reads header-less v3+ lines as a prefix of the canonical field order', () => {
    const line =
      '5 64111117617 eni-069xxxxxb7a490 89.160.20.156 10.200.0.0 50041 33004 17 52 1 164000066 1640000297 REJECT OK vpc-09676f97xxxxxb8a7 subnet-02d645xxxxxxxdbc0 i-0axxxxxx1ad77 1 IPv4 89.160.20.156 10.200.0.80 us-east-1 use1-az5 - - AMAZON CLOUDFRONT ingress 1';
    const e = ok(new VpcParser().parse(line, ctx));
    expect(e.region).toBe('us-east-1');
    expect(e.attrs).toMatchObject({ flowDirection: 'ingress', trafficPath: 1, pktSrcAwsService: 'AMAZON' });
  });

  it('uses the file time when the format has no start field', () => {
    const p = new VpcParser('instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr', 1_700_000_000_000);
    const e = ok(p.parse('- eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5', ctx));
    expect(e.ts).toBe(1_700_000_000_000);
    expect(e.attrs).toMatchObject({ tsFrom: 'file', pktDstaddr: '203.0.113.5' });
  });

  it('names the bad field', () => {
    const p = new VpcParser();
    const good = '2 1 eni-1 1.2.3.4 5.6.7.8 1 2 6 1 1 100 160 ACCEPT OK';
    expect(p.parse(good.replace('1.2.3.4', 'x.y'), ctx)).toMatchObject({
      error: { code: 'bad_field', field: 'srcaddr' },
    });
    expect(p.parse(good.replace(' 1 2 6 ', ' 1 70000 6 '), ctx)).toMatchObject({ error: { field: 'dstport' } });
    expect(p.parse(good.replace('ACCEPT', 'MAYBE'), ctx)).toMatchObject({ error: { field: 'action' } });
    expect(p.parse(good.replace(' 100 160 ', ' 100 50 '), ctx)).toMatchObject({
      error: { code: 'bad_time', field: 'end' },
    });
    expect(p.parse(`${good} ${'x '.repeat(60)}`, ctx)).toMatchObject({ error: { code: 'field_count' } });
  });

  it('round-trips fields of generated v2 lines', () => {
    fc.assert(
      fc.property(
        fc.record({
          account: fc.stringMatching(/^\d{12}$/),
          eni: fc.stringMatching(/^eni-[0-9a-f]{17}$/),
          src: fc.oneof(fc.ipV4(), fc.ipV6()),
          dst: fc.oneof(fc.ipV4(), fc.ipV6()),
          sport: fc.integer({ min: 0, max: 65535 }),
          dport: fc.integer({ min: 0, max: 65535 }),
          proto: fc.integer({ min: 0, max: 255 }),
          packets: fc.nat(),
          bytes: fc.nat(),
          start: fc.integer({ min: 1_000_000_000, max: 2_000_000_000 }),
          dur: fc.nat({ max: 600 }),
          action: fc.constantFrom('ACCEPT', 'REJECT'),
        }),
        (r) => {
          const line = `2 ${r.account} ${r.eni} ${r.src} ${r.dst} ${r.sport} ${r.dport} ${r.proto} ${r.packets} ${r.bytes} ${r.start} ${r.start + r.dur} ${r.action} OK`;
          const e = ok(new VpcParser().parse(line, ctx));
          expect(e).toMatchObject({
            account: r.account,
            resource: r.eni,
            srcIp: r.src,
            dstIp: r.dst,
            srcPort: r.sport,
            dstPort: r.dport,
            protocol: r.proto,
            packets: r.packets,
            bytes: r.bytes,
            ts: r.start * 1000,
            durationMs: r.dur * 1000,
            status: r.action,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('knows every field once', () => {
    expect(new Set(VPC_FIELDS).size).toBe(VPC_FIELDS.length);
  });
});
