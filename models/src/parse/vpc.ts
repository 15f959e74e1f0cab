import { SAMPLE_ACTIONS } from '../schema/actions.ts';
import type { AttrValue, LogEvent, Outcome } from '../schema/event.ts';
import { isIp, uint } from './fields.ts';
import { fail, type LineParser, type ParseContext, type ParseResult, SKIP_BLANK, SKIP_HEADER, show } from './types.ts';

/** Every flow log field in AWS's canonical order (versions 2-8). A header-less line is read as a prefix of this. */
export const VPC_FIELDS = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
  'vpc-id',
  'subnet-id',
  'instance-id',
  'tcp-flags',
  'type',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'region',
  'az-id',
  'sublocation-type',
  'sublocation-id',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
  'flow-direction',
  'traffic-path',
  'ecs-cluster-arn',
  'ecs-cluster-name',
  'ecs-container-instance-arn',
  'ecs-container-instance-id',
  'ecs-container-id',
  'ecs-second-container-id',
  'ecs-service-name',
  'ecs-task-definition-arn',
  'ecs-task-arn',
  'ecs-task-id',
  'reject-reason',
] as const;
const KNOWN = new Set<string>(VPC_FIELDS);
/** Fields mapped onto LogEvent columns; the rest go to attrs under a camelCase key. */
const MAPPED = new Set(['version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport']);
for (const f of ['protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status', 'region']) MAPPED.add(f);
const NUMERIC_ATTRS = new Set(['tcp-flags', 'traffic-path']);

function camel(field: string): string {
  return field.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Column of each mapped field (-1 when the format lacks it): plain numeric properties keep lookups monomorphic. */
interface Layout {
  names: string[];
  account: number;
  eni: number;
  src: number;
  dst: number;
  sport: number;
  dport: number;
  proto: number;
  packets: number;
  bytes: number;
  start: number;
  end: number;
  action: number;
  status: number;
  region: number;
  extras: { at: number; key: string; numeric: boolean }[];
}

function layoutOf(names: string[]): Layout {
  const at = (f: string) => names.indexOf(f);
  const extras: Layout['extras'] = [];
  names.forEach((n, i) => {
    if (!MAPPED.has(n)) extras.push({ at: i, key: camel(n), numeric: NUMERIC_ATTRS.has(n) });
  });
  return {
    names,
    account: at('account-id'),
    eni: at('interface-id'),
    src: at('srcaddr'),
    dst: at('dstaddr'),
    sport: at('srcport'),
    dport: at('dstport'),
    proto: at('protocol'),
    packets: at('packets'),
    bytes: at('bytes'),
    start: at('start'),
    end: at('end'),
    action: at('action'),
    status: at('log-status'),
    region: at('region'),
    extras,
  };
}

/** Header-less layouts by field count: a prefix of the canonical order. */
const PREFIX_LAYOUTS = new Map<number, Layout>();
function prefixLayout(n: number): Layout {
  let L = PREFIX_LAYOUTS.get(n);
  if (L === undefined) {
    L = layoutOf(VPC_FIELDS.slice(0, n) as unknown as string[]);
    PREFIX_LAYOUTS.set(n, L);
  }
  return L;
}

/** `version account-id ...` or a CloudWatch format string `${version} ${account-id} ...` -> field names. */
export function parseVpcHeader(line: string): string[] | undefined {
  const names = line
    .trim()
    .split(/ +/)
    .map((t) => (t.startsWith('${') && t.endsWith('}') ? t.slice(2, -1) : t));
  return names.length > 0 && names.every((n) => KNOWN.has(n)) ? names : undefined;
}

const MAX_TOKENS = VPC_FIELDS.length + 1;

/**
 * VPC Flow Logs: the v2 default format, and custom formats (v3-v8 fields) named by a header line, by the `vpcFields`
 * option, or - with no header - read as a prefix of the canonical field order. `-` means absent.
 */
export class VpcParser implements LineParser {
  readonly format = 'vpc' as const;
  private layout: Layout | undefined;
  private readonly t: string[] = new Array(MAX_TOKENS);

  constructor(
    fields?: string,
    private readonly referenceTimeMs?: number,
  ) {
    if (fields) {
      const names = parseVpcHeader(fields);
      if (!names) throw new Error(`vpcFields: unknown field in '${fields}' (known: ${VPC_FIELDS.join(' ')})`);
      this.layout = layoutOf(names);
    }
  }

  parse(line: string, _ctx: ParseContext): ParseResult {
    if (line.length === 0) return SKIP_BLANK;
    const c0 = line.charCodeAt(0);
    if (c0 === 32 || c0 === 9) {
      if (line.trim() === '') return SKIP_BLANK;
      line = line.trim();
    }
    if ((c0 === 118 || c0 === 36) && (line.startsWith('version') || line.startsWith('${'))) {
      const names = parseVpcHeader(line);
      if (names) {
        this.layout = layoutOf(names);
        return SKIP_HEADER;
      }
    }
    const t = this.t;
    let n = 0;
    const len = line.length;
    for (let i = 0; i < len; ) {
      let sp = line.indexOf(' ', i);
      if (sp < 0) sp = len;
      if (sp > i) {
        if (n === MAX_TOKENS) return fail('field_count', 'more fields than any flow log format has', 'line');
        t[n++] = line.slice(i, sp);
      }
      i = sp + 1;
    }
    let L = this.layout;
    if (L === undefined) {
      if (n >= MAX_TOKENS) return fail('field_count', `${n} fields is more than any flow log format has`, 'line');
      L = prefixLayout(n);
    }
    if (n !== L.names.length) {
      return fail('field_count', `expected ${L.names.length} fields (${L.names[0]} ...), got ${n}`, 'line');
    }
    return this.build(t, L, line);
  }

  private build(t: string[], L: Layout, raw: string): ParseResult {
    const start = field(t, L.start);
    const end = field(t, L.end);
    let ts: number;
    if (L.start < 0) {
      if (this.referenceTimeMs === undefined) return fail('missing_field', 'format has no start field', 'start');
      ts = this.referenceTimeMs;
    } else {
      const s = start === undefined ? -1 : uint(start);
      if (s < 0) return fail('bad_time', `start ${show(String(start))} is not epoch seconds`, 'start');
      ts = s * 1000;
    }
    const act = field(t, L.action);
    if (act !== undefined && act !== 'ACCEPT' && act !== 'REJECT') {
      return fail('bad_field', `action ${show(act)} is not ACCEPT, REJECT or -`, 'action');
    }
    const logStatus = field(t, L.status);
    const outcome: Outcome = act === 'ACCEPT' ? 'success' : act === 'REJECT' ? 'failure' : 'unknown';
    const e: LogEvent = { ts, source: 'vpc', action: SAMPLE_ACTIONS.flow, outcome, raw };
    const account = field(t, L.account);
    if (account !== undefined) e.account = account;
    const region = field(t, L.region);
    if (region !== undefined) e.region = region;
    const err =
      setIp(e, 'srcIp', t, L.src, 'srcaddr') ??
      setIp(e, 'dstIp', t, L.dst, 'dstaddr') ??
      setInt(e, 'srcPort', t, L.sport, 'srcport', 65535) ??
      setInt(e, 'dstPort', t, L.dport, 'dstport', 65535) ??
      setInt(e, 'protocol', t, L.proto, 'protocol', 255) ??
      setInt(e, 'packets', t, L.packets, 'packets', Number.MAX_SAFE_INTEGER) ??
      setInt(e, 'bytes', t, L.bytes, 'bytes', Number.MAX_SAFE_INTEGER);
    if (err) return err;
    if (act !== undefined) e.status = act;
    const eni = field(t, L.eni);
    if (eni !== undefined) e.resource = eni;
    if (L.start >= 0 && end !== undefined) {
      const en = uint(end);
      if (en < 0 || en * 1000 < ts) return fail('bad_time', `end ${show(end)} is not epoch seconds >= start`, 'end');
      e.durationMs = en * 1000 - ts;
    }
    const attrs: Record<string, AttrValue> = {};
    if (logStatus !== undefined) attrs.logStatus = logStatus;
    if (L.start < 0) attrs.tsFrom = 'file';
    for (const x of L.extras) {
      const v = t[x.at];
      if (v === '-') continue;
      attrs[x.key] = x.numeric && uint(v) >= 0 ? uint(v) : v;
    }
    for (const _ in attrs) {
      e.attrs = attrs;
      break;
    }
    return { ok: true, event: e };
  }
}

function field(t: string[], i: number): string | undefined {
  if (i < 0) return undefined;
  const v = t[i];
  return v === '-' ? undefined : v;
}

type IntKey = 'srcPort' | 'dstPort' | 'protocol' | 'packets' | 'bytes';

function setInt(e: LogEvent, key: IntKey, t: string[], i: number, name: string, max: number): ParseResult | undefined {
  const v = field(t, i);
  if (v === undefined) return undefined;
  const n = uint(v);
  if (n < 0 || n > max) return fail('bad_field', `${name} ${show(v)} is not an integer in 0..${max}`, name);
  e[key] = n;
  return undefined;
}

function setIp(e: LogEvent, key: 'srcIp' | 'dstIp', t: string[], i: number, name: string): ParseResult | undefined {
  const v = field(t, i);
  if (v === undefined) return undefined;
  if (!isIp(v)) return fail('bad_field', `${name} ${show(v)} is not an IP address`, name);
  e[key] = v;
  return undefined;
}
