import { S3Parser } from './s3.ts';
import { SyslogParser } from './syslog/parser.ts';
import type { LineParser, LogFormat } from './types.ts';
import { parseVpcHeader, VpcParser } from './vpc.ts';

const CTX = { file: 'detect', line: 0 };

function fromJson(first: string, sample: string): LogFormat | undefined {
  let v: unknown;
  try {
    v = JSON.parse(first);
  } catch {
    // pretty-printed document: look at the text
    if (sample.includes('"eventVersion"') || sample.includes('"Records"')) return 'cloudtrail';
    if (sample.includes('"logEvents"') || sample.includes('"events"') || sample.includes('RequestId:')) return 'lambda';
    return undefined;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if ('eventVersion' in o || 'Records' in o || ('eventName' in o && 'eventSource' in o)) return 'cloudtrail';
  if (typeof o['detail-type'] === 'string' && o['detail-type'].includes('CloudTrail')) return 'cloudtrail';
  if ('__REALTIME_TIMESTAMP' in o) return 'syslog';
  if ('mount' in o && 'usedBytes' in o) return 'disk';
  if (o.kind === 'load' || ('pid' in o && ('comm' in o || 'cmdline' in o))) return 'process';
  const events = Array.isArray(o.logEvents) ? o.logEvents : Array.isArray(o.events) ? o.events : undefined;
  const message =
    typeof o.message === 'string'
      ? o.message
      : events && typeof (events[0] as Record<string, unknown>)?.message === 'string'
        ? ((events[0] as Record<string, unknown>).message as string)
        : undefined;
  if (message !== undefined) return message.includes('"eventVersion"') ? 'cloudtrail' : 'lambda';
  return undefined;
}

/** Share of lines a strict parser accepts. */
function acceptance(make: () => LineParser, lines: string[]): number {
  const p = make();
  let ok = 0;
  for (const l of lines) if (p.parse(l, CTX).ok) ok++;
  return lines.length === 0 ? 0 : ok / lines.length;
}

const LAMBDA_TEXT = /RequestId: |^\d{4}-\d\d-\d\dT[\d:.]+Z?\t[0-9a-f-]{8,}\t|^\[(INFO|ERROR|WARN|DEBUG)\]\t/;

/**
 * Pick a format from the first lines of a file (content first; the file name breaks ties and names empty files).
 * Returns undefined when nothing fits, so the caller can ask for --format instead of guessing.
 */
export function detectFormat(firstLines: string[], fileName = ''): LogFormat | undefined {
  const lines = firstLines
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
    .filter((l) => l.trim() !== '' && !l.startsWith('-- '))
    .slice(0, 20);
  const byName = fromFileName(fileName);
  if (lines.length === 0) return byName;
  const first = lines[0].trimStart();
  if (first.startsWith('{') || first.startsWith('[')) return fromJson(first, lines.join('\n')) ?? byName;
  if (parseVpcHeader(first)) return 'vpc';
  const year = new Date().getUTCFullYear();
  const scores: [LogFormat, number][] = [
    ['vpc', acceptance(() => new VpcParser(), lines)],
    ['s3', acceptance(() => new S3Parser(), lines)],
    ['syslog', acceptance(() => new SyslogParser({ year }), lines)],
  ];
  scores.sort((a, b) => b[1] - a[1]);
  if (scores[0][1] > 0 && scores[0][1] > scores[1][1]) return scores[0][0];
  if (lines.some((l) => LAMBDA_TEXT.test(l))) return 'lambda';
  return byName;
}

/** The generator's layout (docs/log-contract.md) and common AWS/Linux names. */
export function fromFileName(fileName: string): LogFormat | undefined {
  const p = fileName.replaceAll('\\', '/').toLowerCase();
  const base = p.slice(p.lastIndexOf('/') + 1);
  if (/^(auth\.log|secure|syslog|messages|kern\.log)([.-]|$)/.test(base)) return 'syslog';
  if (base.startsWith('process') && base.includes('.jsonl')) return 'process';
  if (base.startsWith('disk') && base.includes('.jsonl')) return 'disk';
  if (base.includes('_cloudtrail_') || p.includes('cloudtrail/')) return 'cloudtrail';
  if (p.includes('/lambda/') || p.startsWith('lambda/')) return 'lambda';
  if (p.includes('vpcflowlogs') || p.includes('/vpc/') || p.startsWith('vpc/')) return 'vpc';
  if (p.includes('/s3/') || p.startsWith('s3/')) return 's3';
  return undefined;
}
