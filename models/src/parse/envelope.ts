/** One record pulled out of a multi-record JSON document, with the text that stands for it as `raw`. */
export interface Expanded {
  record: unknown;
  raw: string;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Multi-record AWS deliveries:
 * - CloudTrail delivered file `{"Records": [...]}`;
 * - CloudWatch Logs subscription payload `{"messageType": "DATA_MESSAGE", "logGroup", "logStream", "logEvents": [...]}`
 *   (CONTROL_MESSAGE yields no records);
 * - GetLogEvents / FilterLogEvents output `{"events": [...]}`;
 * - a top-level JSON array of records.
 * Returns undefined when `v` is a single record. Subscription events get the envelope's logGroup/logStream so the
 * Lambda parser can name the function.
 */
export function expandEnvelope(v: unknown): Expanded[] | undefined {
  if (Array.isArray(v)) return v.map((record) => ({ record, raw: rawOf(record) }));
  if (!isObj(v)) return undefined;
  if (Array.isArray(v.Records)) return v.Records.map((record) => ({ record, raw: rawOf(record) }));
  if (v.messageType === 'CONTROL_MESSAGE') return [];
  if (Array.isArray(v.logEvents)) {
    const logGroup = typeof v.logGroup === 'string' ? v.logGroup : undefined;
    const logStream = typeof v.logStream === 'string' ? v.logStream : undefined;
    return v.logEvents.map((ev) => {
      const record = isObj(ev) ? { ...ev, logGroup, logStream } : ev;
      // the message of a CloudTrail-to-CloudWatch event is the record itself: keep it as raw
      const raw = isObj(ev) && typeof ev.message === 'string' ? ev.message : rawOf(ev);
      return { record, raw };
    });
  }
  if (Array.isArray(v.events) && v.events.every(isObj)) {
    return v.events.map((record) => ({ record, raw: rawOf(record) }));
  }
  return undefined;
}

function rawOf(v: unknown): string {
  return JSON.stringify(v) ?? 'null';
}

/** Cheap pre-check before JSON.parse: could this line be a multi-record envelope? */
export function mayBeEnvelope(line: string): boolean {
  const c = line.charCodeAt(0);
  if (c === 91) return true;
  return c === 123 && (line.includes('"Records"') || line.includes('"logEvents"') || line.includes('"events"'));
}
