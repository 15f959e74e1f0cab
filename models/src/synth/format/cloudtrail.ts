import type { LogEvent } from '../../schema/event.ts';
import type { Rng } from '../rng.ts';
import { isoSeconds } from '../time.ts';
import type { Attrs, SynthRecord } from '../types.ts';
import type { Identity } from '../world/users.ts';
import { files } from './files.ts';
import { withLabel } from './samples.ts';

/** Who called: an IAM principal of the account, an AWS service, or a federated web identity (GitHub OIDC). */
export type Caller =
  | { kind: 'identity'; id: Identity }
  | { kind: 'service'; service: string }
  | { kind: 'web'; provider: string; subject: string };

export interface TrailCall {
  ts: number;
  caller: Caller;
  eventSource: string;
  eventName: string;
  region: string;
  /** An IP address, or a service name such as `lambda.amazonaws.com`. */
  sourceIp: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  readOnly: boolean;
  eventType?: 'AwsApiCall' | 'AwsConsoleSignIn' | 'AwsServiceEvent';
  /** When the caller's session began (sessionContext.attributes.creationDate). */
  sessionStart?: number;
}

function userIdentity(c: Caller, account: string, sessionStart: number | undefined): Record<string, unknown> {
  if (c.kind === 'service') return { type: 'AWSService', invokedBy: c.service };
  if (c.kind === 'web') {
    return {
      type: 'WebIdentityUser',
      principalId: `${c.provider}:sts.amazonaws.com:${c.subject}`,
      userName: c.subject,
      identityProvider: c.provider,
    };
  }
  const id = c.id;
  const base: Record<string, unknown> = {
    type: id.type,
    principalId: id.principalId,
    arn: id.arn,
    accountId: account,
    accessKeyId: id.accessKeyId,
  };
  if (id.userName) base.userName = id.userName;
  if (id.type === 'AssumedRole') {
    base.sessionContext = {
      sessionIssuer: {
        type: 'Role',
        principalId: id.rolePrincipalId,
        arn: id.roleArn,
        accountId: account,
        userName: id.roleName,
      },
      attributes: { creationDate: isoSeconds(sessionStart ?? 0), mfaAuthenticated: String(id.mfa) },
    };
  }
  return base;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const RESOURCE_KEYS = ['bucketName', 'instanceId', 'userName', 'functionName', 'roleName'];

function mfaOf(call: TrailCall): boolean | undefined {
  const used = call.additionalEventData?.MFAUsed;
  if (used === 'Yes' || used === 'No') return used === 'Yes';
  if (call.caller.kind === 'identity' && call.caller.id.type === 'AssumedRole') return call.caller.id.mfa;
  return undefined;
}

/** One CloudTrail record per line (as CloudWatch Logs delivers them), keys in the order CloudTrail writes them. */
export function trailRecord(account: string, call: TrailCall, rng: Rng, label?: string): SynthRecord {
  const eventType = call.eventType ?? 'AwsApiCall';
  const identity = userIdentity(call.caller, account, call.sessionStart);
  const rec: Record<string, unknown> = {
    eventVersion: '1.11',
    userIdentity: identity,
    eventTime: isoSeconds(call.ts),
    eventSource: call.eventSource,
    eventName: call.eventName,
    awsRegion: call.region,
    sourceIPAddress: call.sourceIp,
    userAgent: call.userAgent,
  };
  if (call.errorCode) rec.errorCode = call.errorCode;
  if (call.errorMessage) rec.errorMessage = call.errorMessage;
  rec.requestParameters = call.requestParameters ?? null;
  rec.responseElements = call.responseElements ?? null;
  if (call.additionalEventData) rec.additionalEventData = call.additionalEventData;
  const eventId = rng.uuid();
  rec.requestID = rng.uuid();
  rec.eventID = eventId;
  rec.readOnly = call.readOnly;
  rec.eventType = eventType;
  rec.managementEvent = true;
  rec.recipientAccountId = account;
  rec.eventCategory = 'Management';
  if (eventType === 'AwsApiCall' && call.caller.kind !== 'service') {
    rec.tlsDetails = {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `${call.eventSource.split('.')[0]}.${call.region}.amazonaws.com`,
    };
  }
  const line = JSON.stringify(rec);

  const attrs: Attrs = {
    principalType: String(identity.type),
    userAgent: call.userAgent,
    eventType,
    readOnly: call.readOnly,
    eventId,
  };
  if (typeof identity.accessKeyId === 'string') attrs.accessKeyId = identity.accessKeyId;
  if (call.errorMessage) attrs.errorMessage = call.errorMessage;
  const mfa = mfaOf(call);
  if (mfa !== undefined) attrs.mfa = mfa;
  const isIp = IPV4.test(call.sourceIp);
  if (!isIp) attrs.sourceService = call.sourceIp;
  const principal = (identity.arn ?? identity.userName ?? identity.invokedBy) as string | undefined;
  const params = call.requestParameters ?? {};
  const resource = RESOURCE_KEYS.map((k) => params[k]).find((v) => typeof v === 'string' && v !== '') as
    | string
    | undefined;
  const event: LogEvent = {
    ts: Math.floor(call.ts / 1000) * 1000,
    source: 'cloudtrail',
    account,
    region: call.region,
    program: call.eventSource,
    action: call.eventName,
    status: call.errorCode ?? 'OK',
    outcome: call.errorCode ? 'failure' : 'success',
    attrs,
    raw: line,
  };
  if (isIp) event.srcIp = call.sourceIp;
  if (principal) event.principal = principal;
  if (resource) event.resource = resource;
  return withLabel({ source: 'cloudtrail', file: files.cloudtrail(), line, event }, label);
}
