/** Where a file's acked position is persisted; null once the file's content is gone (nothing left to resume). */
export type CommitTarget = ((offset: number, lineNo: number) => void) | null;

interface Pending {
  endOffset: number;
  lineNo: number;
  acked: boolean;
}

/**
 * Tracks emitted-but-unacked batches of one file. Acks may arrive out of order; the committed position only moves
 * over a contiguous run of acked batches, so a checkpoint never passes a line the consumer has not finished.
 */
export class AckWindow {
  committedOffset: number;
  committedLineNo: number;
  private pending: Pending[] = [];
  private firstSeq = 0;

  constructor(
    offset: number,
    lineNo: number,
    public target: CommitTarget,
  ) {
    this.committedOffset = offset;
    this.committedLineNo = lineNo;
  }

  get inFlight(): number {
    return this.pending.length;
  }

  /** Register a batch that ends at endOffset after line lineNo; returns its sequence number for ack(). */
  add(endOffset: number, lineNo: number): number {
    this.pending.push({ endOffset, lineNo, acked: false });
    return this.firstSeq + this.pending.length - 1;
  }

  /** Mark a batch done; persists the new committed position when it moved. Returns whether it moved. */
  ack(seq: number): boolean {
    const entry = this.pending[seq - this.firstSeq];
    if (!entry || entry.acked) return false;
    entry.acked = true;
    let moved = false;
    while (this.pending.length > 0 && this.pending[0].acked) {
      const done = this.pending.shift()!;
      this.firstSeq++;
      this.committedOffset = done.endOffset;
      this.committedLineNo = done.lineNo;
      moved = true;
    }
    if (moved) this.target?.(this.committedOffset, this.committedLineNo);
    return moved;
  }
}
