import type { AttrValue, LogEvent } from '../schema/event.ts';
import { isIp } from './fields.ts';
import { parseIsoMs } from './time.ts';
import { fail, type ParseContext, type ParseResult, type RecordParser, SKIP_BLANK, show } from './types.ts';

export const RESOURCE_KEYS = ['bucketName', 'instanceId', 'userName', 'functionName', 'roleName'] as const;

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** "true"/"false"/"Yes"/"No"/boolean -> boolean; anything else undefined. */
export function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'Yes' || v === 'yes') return true;
  if (v === 'false' || v === 'No' || v === 'no') return false;
  return undefined;
}

/**
 * If `v` wraps a single CloudTrail record, return it: an EventBridge event (`detail-type` "... via CloudTrail",
 * record in `detail`) or a CloudWatch Logs event whose `message` is the record's JSON text. Otherwise undefined.
 */
export function unwrapSingle(v: Obj): { record: unknown; raw?: string } | undefined {
  if (typeof v['detail-type'] === 'string' && obj(v.detail)) return { record: v.detail };
  if (typeof v.message === 'string' && v.eventName === undefined && v.message.charCodeAt(0) === 123) {
    try {
      return { record: JSON.parse(v.message), raw: v.message };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** CloudTrail records (docs/log-contract.md, cloudtrail) from any delivery: one per line, wrapped, or decoded. */
export class CloudTrailParser implements RecordParser {
  readonly format = 'cloudtrail' as const;

  parse(line: string, ctx: ParseContext): ParseResult {
    const c0 = line.charCodeAt(0);
    if (line.length === 0 || ((c0 === 32 || c0 === 9) && line.trim() === '')) return SKIP_BLANK;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      return fail('bad_json', `CloudTrail record does not parse: ${(e as Error).message}`);
    }
    return this.parseRecord(v, line, ctx);
  }

  parseRecord(record: unknown, raw: string, _ctx: ParseContext): ParseResult {
    let r = obj(record);
    if (r === undefined) return fail('bad_json', 'CloudTrail record is not a JSON object');
    if (r.eventName === undefined) {
      const inner = unwrapSingle(r);
      const ir = inner && obj(inner.record);
      if (ir) {
        r = ir;
        if (inner?.raw !== undefined) raw = inner.raw;
      }
    }
    return mapRecord(r, raw);
  }
}

/** The values a CloudTrail event is built from, normalised (strings non-empty, booleans parsed). */
export interface CtFields {
  eventName?: string;
  eventTime?: string;
  eventSource?: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  errorCode?: string;
  errorMessage?: string;
  recipientAccountId?: string;
  userAgent?: string;
  eventType?: string;
  eventId?: string;
  readOnly?: boolean;
  arn?: string;
  userName?: string;
  invokedBy?: string;
  principalType?: string;
  accessKeyId?: string;
  mfa?: boolean;
  resource?: string;
  /** responseElements.ConsoleLogin === "Failure" (a failed sign-in has no errorCode). */
  loginFailed: boolean;
  /** Insights events name their API inside insightDetails. */
  insight: boolean;
  insightType?: string;
  insightState?: string;
}

export function fieldsFromObject(r: Obj): CtFields {
  const insight = r.eventType === 'AwsCloudTrailInsight' ? obj(r.insightDetails) : undefined;
  const ui = obj(r.userIdentity);
  const resp = obj(r.responseElements);
  return {
    eventName: str(r.eventName) ?? str(insight?.eventName),
    eventTime: typeof r.eventTime === 'string' ? r.eventTime : undefined,
    eventSource: str(r.eventSource) ?? str(insight?.eventSource),
    awsRegion: str(r.awsRegion),
    sourceIPAddress: str(r.sourceIPAddress),
    errorCode: str(r.errorCode),
    errorMessage: str(r.errorMessage),
    recipientAccountId: str(r.recipientAccountId),
    userAgent: str(r.userAgent),
    eventType: str(r.eventType),
    eventId: str(r.eventID),
    readOnly: bool(r.readOnly),
    arn: str(ui?.arn),
    userName: str(ui?.userName),
    invokedBy: str(ui?.invokedBy),
    principalType: str(ui?.type),
    accessKeyId: str(ui?.accessKeyId),
    mfa: bool(obj(r.additionalEventData)?.MFAUsed) ?? bool(obj(obj(ui?.sessionContext)?.attributes)?.mfaAuthenticated),
    resource: resourceOf(obj(r.requestParameters)),
    loginFailed: r.eventName === 'ConsoleLogin' && resp !== undefined && resp.ConsoleLogin === 'Failure',
    insight: insight !== undefined,
    insightType: str(insight?.insightType),
    insightState: str(insight?.state),
  };
}

/** CtFields -> LogEvent (docs/log-contract.md, cloudtrail). Both the object and the text fast path end here. */
export function buildEvent(f: CtFields, raw: string): ParseResult {
  if (f.eventName === undefined) return fail('missing_field', "'eventName' is required", 'eventName');
  if (f.eventTime === undefined) return fail('missing_field', "'eventTime' is required", 'eventTime');
  const ts = parseIsoMs(f.eventTime);
  if (Number.isNaN(ts)) return fail('bad_time', `eventTime ${show(f.eventTime)} is not ISO 8601`, 'eventTime');
  const failed = f.errorCode !== undefined || f.loginFailed;
  const outcome = failed ? 'failure' : f.insight ? 'unknown' : 'success';
  const status = f.errorCode ?? (f.loginFailed ? 'Failure' : 'OK');
  const e: LogEvent = { ts, source: 'cloudtrail', action: f.eventName, outcome, status, raw };
  if (f.recipientAccountId !== undefined) e.account = f.recipientAccountId;
  if (f.awsRegion !== undefined) e.region = f.awsRegion;
  const principal = f.arn ?? f.userName ?? f.invokedBy;
  if (principal !== undefined) e.principal = principal;
  const attrs: Record<string, AttrValue> = {};
  const src = f.sourceIPAddress;
  if (src !== undefined) {
    if (isIp(src)) e.srcIp = src;
    else attrs.sourceService = src;
  }
  if (f.resource !== undefined) e.resource = f.resource;
  if (f.eventSource !== undefined) e.program = f.eventSource;
  setAttr(attrs, 'principalType', f.principalType);
  setAttr(attrs, 'accessKeyId', f.accessKeyId);
  setAttr(attrs, 'userAgent', f.userAgent);
  setAttr(attrs, 'errorMessage', f.errorMessage);
  setAttr(attrs, 'eventType', f.eventType);
  setAttr(attrs, 'mfa', f.mfa);
  setAttr(attrs, 'readOnly', f.readOnly);
  setAttr(attrs, 'eventId', f.eventId);
  setAttr(attrs, 'insightType', f.insightType);
  setAttr(attrs, 'insightState', f.insightState);
  for (const _ in attrs) {
    e.attrs = attrs;
    break;
  }
  return { ok: true, event: e };
}

function mapRecord(r: Obj, raw: string): ParseResult {
  return buildEvent(fieldsFromObject(r), raw);
}

/** The first non-empty of requestParameters.bucketName / instanceId / userName / functionName / roleName. */
export function resourceOf(params: Obj | undefined): string | undefined {
  if (params === undefined) return undefined;
  for (const k of RESOURCE_KEYS) {
    const v = params[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

function setAttr(a: Record<string, AttrValue>, k: string, v: AttrValue | undefined): void {
  if (v !== undefined) a[k] = v;
}
