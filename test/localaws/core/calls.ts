import type { ServiceName } from './types.ts';

export interface CallRecord {
  service: ServiceName;
  operation: string;
  status: number;
  /** Error code when the call failed (including forced faults), else undefined. */
  errorCode?: string;
  at: number;
  requestId: string;
}

/** A bounded record of recent calls (at least the latest capacity/2), so tests can assert what a client sent (and how often it retried). */
export class CallLog {
  private readonly records: CallRecord[] = [];
  constructor(private readonly capacity = 50_000) {}

  /** Past capacity the oldest half is dropped in one go (amortized O(1) per call under soak tests). */
  add(record: CallRecord): void {
    if (this.records.length >= this.capacity) this.records.splice(0, Math.ceil(this.capacity / 2));
    this.records.push(record);
  }

  /** All calls, oldest first, optionally narrowed to one service and operation. */
  list(service?: ServiceName, operation?: string): CallRecord[] {
    return this.records.filter((r) => (!service || r.service === service) && (!operation || r.operation === operation));
  }

  count(service?: ServiceName, operation?: string): number {
    return this.list(service, operation).length;
  }

  clear(): void {
    this.records.length = 0;
  }
}
