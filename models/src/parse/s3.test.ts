import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { S3Parser, s3Fields } from './s3.ts';
import type { ParseResult } from './types.ts';

const ctx = { file: 't', line: 1 };

function ok(r: ParseResult) {
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.event;
}

const AWS_EXAMPLE =
  '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be A1206F460EXAMPLE REST.GET.BUCKETPOLICY - "GET /awsexamplebucket1?policy HTTP/1.1" 404 NoSuchBucketPolicy 297 - 38 - "-" "S3Console/0.4" - BNaBsXZQQDbssi6xMBdBU2sLt+Yf5kZDmeBUP35sFoKa3sLLeMC78iwEIWxs99CRUrbS4n11234= SigV2 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader awsexamplebucket1.s3.us-west-1.amazonaws.com TLSV1.1';

describe('S3 server access log', () => {
  it('maps the AWS documentation example as the contract says', () => {
    const e = ok(new S3Parser().parse(AWS_EXAMPLE, ctx));
    expect(e).toEqual({
      ts: Date.UTC(2019, 1, 6, 0, 0, 38),
      source: 's3',
      action: 'REST.GET.BUCKETPOLICY',
      outcome: 'failure',
      principal: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
      srcIp: '192.0.2.3',
      status: '404',
      resource: 'awsexamplebucket1',
      bytes: 297,
      durationMs: 38,
      attrs: {
        bucket: 'awsexamplebucket1',
        errorCode: 'NoSuchBucketPolicy',
        requestId: 'A1206F460EXAMPLE',
        requestUri: 'GET /awsexamplebucket1?policy HTTP/1.1',
        userAgent: 'S3Console/0.4',
        authType: 'AuthHeader',
        bucketOwner: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
      },
      raw: AWS_EXAMPLE,
    });
  });

  it('handles unquoted "-" request URIs, "-" status and old lines without trailing fields', () => {
    const batch =
      'owner bkt [10/Sep/2019:15:11:07 +0000] 89.160.20.156 arn:aws:iam::1:user/t 8CD7 BATCH.DELETE.OBJECT a.war - 204 - - 344017 - - - - - IeDW= SigV4 ECDHE AuthHeader s3.eu-central-1.amazonaws.com TLSv1.2';
    const e = ok(new S3Parser().parse(batch, ctx));
    expect(e).toMatchObject({ action: 'BATCH.DELETE.OBJECT', outcome: 'success', resource: 'bkt/a.war' });
    expect(e.bytes).toBeUndefined();
    expect(e.attrs?.objectSize).toBe(344017);
    const noStatus = batch.replace(' 204 ', ' - ');
    expect(ok(new S3Parser().parse(noStatus, ctx)).outcome).toBe('unknown');
    const old =
      'owner bkt [10/Sep/2019:15:11:07 +0000] 1.2.3.4 - R1 REST.GET.OBJECT k "GET /k HTTP/1.1" 200 - 10 10 3 1 "-" "curl/8"';
    const o = ok(new S3Parser().parse(old, ctx));
    expect(o.principal).toBeUndefined();
    expect(o.attrs?.authType).toBeUndefined();
  });

  it('names the bad field', () => {
    const p = new S3Parser();
    expect(
      p.parse(AWS_EXAMPLE.replace('[06/Feb/2019:00:00:38 +0000]', '[06/Feb/2019:00:61:38 +0000]'), ctx),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad_time', field: 'time' },
    });
    expect(p.parse(AWS_EXAMPLE.replace(' 404 ', ' 4040 '), ctx)).toMatchObject({ error: { field: 'status' } });
    expect(p.parse(AWS_EXAMPLE.replace(' 192.0.2.3 ', ' 999.0.2.3 '), ctx)).toMatchObject({
      error: { field: 'remoteIp' },
    });
    expect(p.parse('a b [01/Jan/2020:00:00:00 +0000] "unterminated', ctx)).toMatchObject({
      error: { code: 'bad_field' },
    });
    expect(p.parse('a b c', ctx)).toMatchObject({ error: { code: 'field_count' } });
  });

  it('round-trips fields of generated lines', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9._:/+=-]{1,30}$/);
    const quoted = fc.stringMatching(/^[A-Za-z0-9 ._/;()?&=-]{0,40}$/);
    fc.assert(
      fc.property(
        fc.record({
          bucket: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{2,20}$/),
          time: fc.date({ min: new Date('2000-01-01'), max: new Date('2099-01-01'), noInvalidDate: true }),
          ip: fc.ipV4(),
          requester: token,
          op: fc.constantFrom('REST.GET.OBJECT', 'REST.PUT.OBJECT', 'REST.DELETE.OBJECT'),
          key: token,
          uri: quoted,
          status: fc.integer({ min: 100, max: 599 }),
          bytes: fc.nat(),
          total: fc.nat({ max: 100000 }),
          ua: quoted,
        }),
        (r) => {
          const d = r.time;
          const mon = d.toUTCString().slice(8, 11);
          const pad = (n: number) => String(n).padStart(2, '0');
          const t = `${pad(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
          const line = `owner ${r.bucket} [${t}] ${r.ip} ${r.requester} RID ${r.op} ${r.key} "${r.uri}" ${r.status} - ${r.bytes} - ${r.total} 1 "-" "${r.ua}" - HID SigV4 ECDHE AuthHeader host TLSv1.2`;
          const e = ok(new S3Parser().parse(line, ctx));
          expect(e.ts).toBe(Math.floor(d.getTime() / 1000) * 1000);
          expect(e.srcIp).toBe(r.ip);
          expect(e.principal).toBe(r.requester === '-' ? undefined : r.requester);
          expect(e.action).toBe(r.op);
          expect(e.status).toBe(String(r.status));
          expect(e.outcome).toBe(r.status < 400 ? 'success' : 'failure');
          expect(e.bytes).toBe(r.bytes);
          expect(e.durationMs).toBe(r.total);
          expect(e.attrs?.requestUri).toBe(r.uri === '' || r.uri === '-' ? undefined : r.uri);
          expect(e.attrs?.userAgent).toBe(r.ua === '' || r.ua === '-' ? undefined : r.ua);
          expect(s3Fields(line)?.length).toBe(24);
        },
      ),
      { numRuns: 300 },
    );
  });
});
