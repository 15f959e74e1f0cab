import type { LineBatch, Sink, SourceBatch, SourceIssue } from '../source.ts';

/** A consumer for tests: collects lines per source id, acks at once unless told to hold batches. */
export class CollectingSink implements Sink {
  readonly lines = new Map<string, string[]>();
  readonly batches: LineBatch[] = [];
  readonly held: SourceBatch[] = [];
  readonly issues: SourceIssue[] = [];
  autoAck = true;

  write(batch: SourceBatch): void {
    if (batch.type !== 'lines') throw new Error('CollectingSink takes line batches');
    this.batches.push(batch);
    const list = this.lines.get(batch.sourceId) ?? [];
    for (const l of batch.lines) list.push(l);
    this.lines.set(batch.sourceId, list);
    if (this.autoAck) batch.ack();
    else this.held.push(batch);
  }

  issue(issue: SourceIssue): void {
    this.issues.push(issue);
  }

  count(): number {
    let n = 0;
    for (const l of this.lines.values()) n += l.length;
    return n;
  }

  ackHeld(n = this.held.length): void {
    for (const b of this.held.splice(0, n)) b.ack();
  }
}

export async function waitFor(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
