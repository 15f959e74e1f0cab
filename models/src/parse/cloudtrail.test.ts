import { describe, expect, it } from 'vitest';
import { CloudTrailParser } from './cloudtrail.ts';
import { expandEnvelope } from './envelope.ts';
import type { ParseResult } from './types.ts';

const ctx = { file: 't', line: 1 };

function ok(r: ParseResult) {
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.event;
}

const RECORD = {
  eventVersion: '1.08',
  userIdentity: {
    type: 'IAMUser',
    principalId: 'AIDA',
    arn: 'arn:aws:iam::123456789012:user/Alice',
    accountId: '123456789012',
    accessKeyId: 'AKIAEXAMPLE',
    userName: 'Alice',
    sessionContext: { attributes: { mfaAuthenticated: 'false', creationDate: '2014-03-06T15:15:06Z' } },
  },
  eventTime: '2014-03-06T21:22:54Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
  awsRegion: 'us-east-2',
  sourceIPAddress: '205.251.233.176',
  userAgent: 'aws-cli/2.13.5',
  errorCode: 'AccessDenied',
  errorMessage: 'Access Denied',
  requestParameters: { bucketName: 'secret-bucket', key: 'x.pdf' },
  responseElements: null,
  eventID: 'e1',
  readOnly: true,
  eventType: 'AwsApiCall',
  recipientAccountId: '123456789012',
};

describe('CloudTrail', () => {
  it('maps a record as the contract says', () => {
    const line = JSON.stringify(RECORD);
    expect(ok(new CloudTrailParser().parse(line, ctx))).toEqual({
      ts: Date.UTC(2014, 2, 6, 21, 22, 54),
      source: 'cloudtrail',
      account: '123456789012',
      region: 'us-east-2',
      principal: 'arn:aws:iam::123456789012:user/Alice',
      srcIp: '205.251.233.176',
      action: 'GetObject',
      outcome: 'failure',
      status: 'AccessDenied',
      resource: 'secret-bucket',
      program: 's3.amazonaws.com',
      attrs: {
        principalType: 'IAMUser',
        accessKeyId: 'AKIAEXAMPLE',
        userAgent: 'aws-cli/2.13.5',
        errorMessage: 'Access Denied',
        eventType: 'AwsApiCall',
        mfa: false,
        readOnly: true,
        eventId: 'e1',
      },
      raw: line,
    });
  });

  it('service callers, OK status and console sign-in failures', () => {
    const svc = ok(
      new CloudTrailParser().parseRecord(
        {
          ...RECORD,
          errorCode: undefined,
          sourceIPAddress: 'cloudformation.amazonaws.com',
          userIdentity: { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' },
        },
        'raw',
        ctx,
      ),
    );
    expect(svc).toMatchObject({ status: 'OK', outcome: 'success', principal: 'cloudformation.amazonaws.com' });
    expect(svc.srcIp).toBeUndefined();
    expect(svc.attrs?.sourceService).toBe('cloudformation.amazonaws.com');
    const login = ok(
      new CloudTrailParser().parseRecord(
        {
          eventName: 'ConsoleLogin',
          eventTime: '2020-10-30T23:25:32Z',
          eventSource: 'signin.amazonaws.com',
          additionalEventData: { MFAUsed: 'No' },
          responseElements: { ConsoleLogin: 'Failure' },
          userIdentity: { type: 'Root', arn: 'arn:aws:iam::493859302102:root' },
        },
        'raw',
        ctx,
      ),
    );
    expect(login).toMatchObject({ outcome: 'failure', status: 'Failure', attrs: { mfa: false } });
  });

  it('unwraps EventBridge events and CloudWatch Logs events that carry the record as text', () => {
    const p = new CloudTrailParser();
    const eb = { version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: RECORD };
    expect(ok(p.parse(JSON.stringify(eb), ctx)).action).toBe('GetObject');
    const cwl = { logGroupName: 'trail', timestamp: 1, message: JSON.stringify(RECORD) };
    const e = ok(p.parse(JSON.stringify(cwl), ctx));
    expect(e.raw).toBe(JSON.stringify(RECORD));
  });

  it('expands delivered files and subscription payloads', () => {
    expect(expandEnvelope({ Records: [RECORD, RECORD] })).toHaveLength(2);
    const sub = {
      messageType: 'DATA_MESSAGE',
      logGroup: 'g',
      logStream: 's',
      logEvents: [{ id: '1', timestamp: 1, message: '{}' }],
    };
    expect(expandEnvelope(sub)?.[0]).toEqual({
      record: { id: '1', timestamp: 1, message: '{}', logGroup: 'g', logStream: 's' },
      raw: '{}',
    });
    expect(expandEnvelope({ messageType: 'CONTROL_MESSAGE', logEvents: [] })).toEqual([]);
    expect(expandEnvelope(RECORD)).toBeUndefined();
  });

  it('names what is missing or malformed', () => {
    const p = new CloudTrailParser();
    expect(p.parse('{"eventTime":"2020-01-01T00:00:00Z"}', ctx)).toMatchObject({ error: { field: 'eventName' } });
    expect(p.parse('{"eventName":"X","eventTime":"redacted"}', ctx)).toMatchObject({
      error: { code: 'bad_time', field: 'eventTime' },
    });
    expect(p.parse('{"eventName":', ctx)).toMatchObject({ error: { code: 'bad_json' } });
    expect(p.parse('[1,2]', ctx)).toMatchObject({ error: { code: 'bad_json' } });
    expect(p.parse('', ctx)).toEqual({ ok: false, skip: 'blank' });
  });
});
