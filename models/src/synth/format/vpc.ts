import type { LogEvent } from '../../schema/event.ts';
import type { SynthRecord } from '../types.ts';
import { files } from './files.ts';
import { withLabel } from './samples.ts';

/** One flow record of the default (version 2) format. Times are epoch seconds, as AWS writes them. */
export interface Flow {
  eni: string;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  protocol: number;
  packets: number;
  bytes: number;
  start: number;
  end: number;
  action: 'ACCEPT' | 'REJECT';
}

export function flowRecord(account: string, f: Flow, label?: string): SynthRecord {
  const line = `2 ${account} ${f.eni} ${f.src} ${f.dst} ${f.srcPort} ${f.dstPort} ${f.protocol} ${f.packets} ${f.bytes} ${f.start} ${f.end} ${f.action} OK`;
  const event: LogEvent = {
    ts: f.start * 1000,
    source: 'vpc',
    account,
    resource: f.eni,
    srcIp: f.src,
    dstIp: f.dst,
    srcPort: f.srcPort,
    dstPort: f.dstPort,
    protocol: f.protocol,
    packets: f.packets,
    bytes: f.bytes,
    durationMs: (f.end - f.start) * 1000,
    action: 'flow',
    status: f.action,
    outcome: f.action === 'ACCEPT' ? 'success' : 'failure',
    attrs: { logStatus: 'OK' },
    raw: line,
  };
  return withLabel({ source: 'vpc', file: files.vpc(), line, event }, label);
}

/** An interface with no traffic in the capture window (NODATA) or whose records were dropped (SKIPDATA). */
export function noDataRecord(
  account: string,
  eni: string,
  start: number,
  end: number,
  status: 'NODATA' | 'SKIPDATA',
): SynthRecord {
  const line = `2 ${account} ${eni} - - - - - - - ${start} ${end} - ${status}`;
  const event: LogEvent = {
    ts: start * 1000,
    source: 'vpc',
    account,
    resource: eni,
    durationMs: (end - start) * 1000,
    action: 'flow',
    outcome: 'unknown',
    attrs: { logStatus: status },
    raw: line,
  };
  return { source: 'vpc', file: files.vpc(), line, event };
}
