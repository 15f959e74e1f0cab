import { gunzipSync } from 'node:zlib';

/** CloudWatch Logs subscription payload, as AWS delivers it inside `awslogs.data` (gzip, then base64). */
export interface SubscriptionPayload {
  messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: { id: string; timestamp: number; message: string }[];
}

export class PayloadError extends Error {
  override name = 'PayloadError';
}

// AWS caps a subscription delivery at 1 MiB compressed; the decompressed size is bounded too so a crafted payload
// cannot balloon memory.
const MAX_DECODED_BYTES = 64 * 1024 * 1024;

const isStr = (v: unknown): v is string => typeof v === 'string';

/** Decodes and validates `awslogs.data`; errors name the field at fault. */
export function decodeSubscription(event: unknown): SubscriptionPayload {
  const data = (event as { awslogs?: { data?: unknown } } | null)?.awslogs?.data;
  if (!isStr(data)) throw new PayloadError('awslogs.data: missing (not a CloudWatch Logs subscription event)');
  let json: unknown;
  try {
    json = JSON.parse(gunzipSync(Buffer.from(data, 'base64'), { maxOutputLength: MAX_DECODED_BYTES }).toString('utf8'));
  } catch (err) {
    throw new PayloadError(`awslogs.data: not gzip+base64 JSON (${(err as Error).message})`);
  }
  const p = json as Partial<SubscriptionPayload>;
  if (p?.messageType !== 'DATA_MESSAGE' && p?.messageType !== 'CONTROL_MESSAGE') {
    throw new PayloadError('messageType: must be DATA_MESSAGE or CONTROL_MESSAGE');
  }
  for (const k of ['owner', 'logGroup', 'logStream'] as const) {
    if (!isStr(p[k])) throw new PayloadError(`${k}: must be a string`);
  }
  if (!Array.isArray(p.logEvents)) throw new PayloadError('logEvents: must be an array');
  p.logEvents.forEach((e, i) => {
    if (typeof e?.timestamp !== 'number' || !isStr(e.message)) {
      throw new PayloadError(`logEvents.${i}: needs a numeric timestamp and a string message`);
    }
  });
  return { subscriptionFilters: [], ...p } as SubscriptionPayload;
}
