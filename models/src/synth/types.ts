import type { AttrValue, LogEvent, LogSource, Outcome } from '../schema/event.ts';

/** One generated line: what the file gets, and the event the parser must read back from it. */
export interface SynthRecord {
  source: LogSource;
  /** Path relative to the dataset root (docs/log-contract.md "Dataset layout"). */
  file: string;
  line: string;
  /** Exactly what parse(line) must yield on the contract fields; `raw` === `line`. */
  event: LogEvent;
  /** Id of the label (injected anomaly) this line belongs to; absent for normal traffic. */
  label?: string;
}

export interface Sink {
  push(record: SynthRecord): void;
}

export type Attrs = Record<string, AttrValue>;

/** The parts of a LogEvent a message builder decides; the record builder adds ts, source, raw and headers. */
export interface EventFields {
  action: string;
  outcome: Outcome;
  principal?: string;
  srcIp?: string;
  srcPort?: number;
  dstIp?: string;
  dstPort?: number;
  resource?: string;
  attrs?: Attrs;
}

/** Copy only defined fields: the contract says absent fields are absent, never undefined or empty. */
export function assignDefined(target: Record<string, unknown>, fields: object): void {
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined && v !== '') target[k] = v;
  }
}
