import path from 'node:path';
import type { FileLogKind, FileStats } from '../source.ts';
import { AckWindow } from './ack-window.ts';
import { formatFingerprint } from './fingerprint.ts';
import { GenerationLedger } from './generations.ts';
import type { LineIssue } from './line-reader.ts';
import { OpenFile, statIdentity } from './open-file.ts';
import { resumeFromCheckpoints } from './resume.ts';
import { findCopy } from './rotation.ts';
import type { TailContext } from './tail-context.ts';

/**
 * One logical log path (e.g. /var/log/auth.log) across its rotations: the live file plus rotated-away files still
 * being finished. Rotated files are always read to their end before the live file, so lines come out in order.
 */
export class TrackedPath {
  readonly sourceId: string;
  readonly dir: string;
  readonly base: string;
  current: OpenFile | null = null;
  readonly draining: OpenFile[] = [];
  /** Stopped because the consumer's queue is full. */
  paused = false;
  private pumping: Promise<void> | null = null;
  private again = false;
  private resumed = false;
  private readonly ledger: GenerationLedger;

  constructor(
    readonly file: string,
    readonly kind: FileLogKind,
    private readonly ctx: TailContext,
    /** Found at startup (startAt applies) rather than appearing later (always read from its first byte). */
    private readonly initial: boolean,
  ) {
    this.sourceId = `file:${file}`;
    this.dir = path.dirname(file);
    this.base = path.basename(file);
    // A path that appeared after we started may already have been rotated: generations written since the start
    // are ours to read too.
    this.ledger = new GenerationLedger(initial ? null : ctx.startedNs, (id) => ctx.isClaimed(id));
  }

  /** Run a read cycle now, or once more after the running one (events coalesce). */
  schedule(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return this.pumping;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
    });
    return this.pumping;
  }

  private async pump(): Promise<void> {
    // Bounded, so a path that keeps asking for another cycle cannot starve the others; the poll timer resumes it.
    for (let round = 0; round < 64; round++) {
      this.again = false;
      if (this.ctx.isStopped()) return;
      try {
        await this.cycle();
      } catch (err) {
        this.ctx.count('readErrors');
        this.ctx.issue({ sourceId: this.sourceId, code: 'read_error', path: this.file, message: String(err) });
        return;
      }
      if (!this.again) return;
    }
    this.ctx.count('cycleLimit');
  }

  private async cycle(): Promise<void> {
    if (!this.resumed) {
      await resumeFromCheckpoints(this, this.ctx, this.initial);
      this.resumed = true;
    }
    for (const f of [...this.draining]) {
      if (!(await this.readAll(f))) return;
      await this.finishIfDone(f);
    }
    const live = await statIdentity(this.file);
    const cur = this.current;
    if (cur && (!live || live.dev !== cur.dev || live.inode !== cur.inode)) {
      // Renamed away (rename+create rotation) or deleted: the descriptor still reads it; finish it first.
      this.ctx.count('rotations');
      this.current = null;
      cur.verifyReads = false;
      await this.startDraining(cur);
      await this.drainMissedGenerations();
      if (!(await this.readAll(cur))) return;
    } else if (cur && (await this.truncated(cur))) {
      this.again = true;
      return;
    }
    // A rotated file holding an unfinished last line keeps the new file waiting until that line is flushed (after
    // rotateWaitMs), so lines still come out in the order they were written.
    if (!this.current && live && this.draining.every((f) => f.eof && f.reader.partialBytes === 0)) {
      this.current = await this.openFresh(this.file);
      // Generations rotated away between finishing the last one and opening this one come before it.
      if (this.current && (await this.drainMissedGenerations())) {
        this.again = true;
        return;
      }
    }
    if (this.current) await this.readAll(this.current);
  }

  /** Emit every complete line available now. False when stopped because the consumer's queue is full. */
  async readAll(f: OpenFile): Promise<boolean> {
    const { batchMaxLines, batchMaxBytes } = this.ctx.opts;
    const issues: LineIssue[] = [];
    for (;;) {
      if (!this.ctx.hasCapacity()) {
        this.paused = true;
        return false;
      }
      const batch = await f.nextBatch(batchMaxLines, batchMaxBytes, issues);
      if (batch && f.blindSinceNs !== null && (await this.foundOlderThanLive(f))) return true;
      if (issues.length > 0) {
        this.ctx.lineIssues(this, f, issues);
        issues.length = 0;
      }
      if (batch) this.ctx.emit(this, f, batch);
      else if (f.eof || f.replaced) break;
    }
    this.paused = false;
    return true;
  }

  /**
   * After a truncation the live file is unidentified until its first line is read: a generation copied away in
   * that window (copytruncate twice in quick succession) left no trace in what we hold. With the first batch read
   * (not yet emitted) the file has a fingerprint again, so one search for unknown copies finds such generations;
   * they are older than what we just read, so that batch is dropped and re-read after them, keeping line order.
   */
  private async foundOlderThanLive(f: OpenFile): Promise<boolean> {
    f.blindSinceNs = null;
    if (!(await this.drainMissedGenerations())) return false;
    await f.rewind(0, 0, f.startedNs);
    f.blindSinceNs = f.startedNs;
    this.again = true;
    return true;
  }

  /** Open a file found at the path with no checkpoint of its own: from its first byte. */
  async openFresh(file: string): Promise<OpenFile | null> {
    const f = await OpenFile.open(file, 0, 0, this.ctx.opts).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null; // renamed away since we looked: the next cycle sees what replaced it
      throw err;
    });
    if (!f) return null;
    if (!this.adopt(f, new AckWindow(0, 0, null))) return null;
    f.verifyReads = true;
    return f;
  }

  /**
   * Take ownership of an open file: claim its identity, point its ack window's commits at its checkpoint row, and
   * write that row now, so a crash before the first ack still resumes here rather than treating the file as new.
   */
  adopt(f: OpenFile, window: AckWindow): boolean {
    if (!this.ctx.claim(f.identity, this)) {
      this.ctx.count('claimConflicts');
      void f.close();
      return false;
    }
    f.acks = window;
    window.target = (offset, lineNo) => {
      if (f.closed && window.inFlight === 0) this.ctx.store.remove(this.sourceId, f.dev, f.inode);
      else this.saveCheckpoint(f, offset, lineNo);
    };
    this.saveCheckpoint(f, window.committedOffset, window.committedLineNo);
    return true;
  }

  private saveCheckpoint(f: OpenFile, offset: number, lineNo: number): void {
    this.ctx.store.save({
      sourceId: this.sourceId,
      dev: f.dev,
      inode: f.inode,
      fingerprint: formatFingerprint(f.fp),
      offset,
      lineNo,
    });
  }

  /**
   * Queue rotated generations at least as new as every generation read so far that we have not read (see
   * findNewerGenerations): those created and rotated away again before we noticed. Returns whether any were found.
   */
  async drainMissedGenerations(): Promise<boolean> {
    const open = [...this.draining, ...(this.current ? [this.current] : [])].map((f) => f.fp);
    let adopted = 0;
    for (const s of await this.ledger.missed(this.dir, this.base, open)) {
      const f = await OpenFile.fromHandle(s.fh, s.file, 0, 0, this.ctx.opts);
      if (!this.adopt(f, new AckWindow(0, 0, null))) continue;
      this.ctx.count('generationsRecovered');
      await this.startDraining(f);
      adopted++;
    }
    return adopted > 0;
  }

  /** Finish `f` before the live file; its last write time bounds which rotated siblings are newer generations. */
  async startDraining(f: OpenFile): Promise<void> {
    f.drainUntil = this.ctx.now() + this.ctx.opts.rotateWaitMs;
    this.draining.push(f);
    await f.refresh();
    this.ledger.lowerAnchor(f.startedNs);
  }

  /** A rotated file at its end and past its grace period is finished: flush its last partial line, close it. */
  private async finishIfDone(f: OpenFile): Promise<void> {
    if (!f.eof || f.drainUntil === null || this.ctx.now() < f.drainUntil) return;
    const issues: LineIssue[] = [];
    const last = f.flushPartial(issues);
    if (last) {
      this.ctx.count('partialFlushed');
      this.ctx.issue({
        sourceId: this.sourceId,
        code: 'partial_flushed',
        path: f.path,
        lineNo: last.firstLineNo,
        message: `${f.path}: last line had no newline when the file was rotated away; delivered as is`,
      });
      if (issues.length > 0) this.ctx.lineIssues(this, f, issues);
      this.ctx.emit(this, f, last);
    }
    this.draining.splice(this.draining.indexOf(f), 1);
    this.ledger.finished(f);
    await f.close();
    this.ctx.release(f.identity, this);
    if (f.acks.inFlight === 0) this.ctx.store.remove(this.sourceId, f.dev, f.inode);
  }

  /**
   * Same inode but shrunk, or its first bytes changed (truncated, then refilled past our offset). With copytruncate
   * the bytes we had not read yet are in the copy (auth.log.1): finish them from there, then restart at 0.
   */
  private async truncated(cur: OpenFile): Promise<boolean> {
    const before = cur.size;
    const changed = await cur.refresh();
    const hit =
      cur.replaced || cur.size < cur.reader.pos || (changed && cur.reader.pos > 0 && !(await cur.sameContent()));
    if (!hit) return false;
    // Taken before looking for copies: a generation copied away after our look is then no older than this.
    const detectedNs = cur.mtimeNs;
    this.ctx.count('truncations');
    const old = cur.acks;
    const resumeAt = cur.reader.lineEnd;
    // The copy must hold at least what we read. Adopting it even with nothing left to read keeps the unacked
    // batches' checkpoint safe: their acks now checkpoint the copy.
    const copy = await findCopy(this.dir, this.base, cur, resumeAt);
    const f = copy ? await OpenFile.fromHandle(copy.fh, copy.file, resumeAt, cur.reader.lineNo, this.ctx.opts) : null;
    const recovered = f !== null && this.adopt(f, old);
    if (f && recovered) await this.startDraining(f);
    this.ledger.finishedContent(cur.fp);
    // Copies of generations that came and went unseen were made after we (re)started reading the live file.
    this.ledger.lowerAnchor(cur.startedNs);
    const missed = await this.drainMissedGenerations();
    if (!recovered) {
      old.target = null;
      const lost = Math.max(0, before - resumeAt);
      this.ctx.count('truncatedLostBytes', lost);
      this.ctx.issue({
        sourceId: this.sourceId,
        code: 'truncated',
        path: this.file,
        message:
          `${this.file} was truncated at offset ${resumeAt} (had ${before} bytes; ${lost} unread bytes lost, ` +
          `no copy with the same first bytes${missed ? '; newer rotated generations are read whole' : ''})`,
      });
    }
    await cur.rewind(0, 0, detectedNs);
    cur.blindSinceNs = detectedNs;
    cur.acks = new AckWindow(0, 0, null);
    this.ctx.release(cur.identity, this);
    this.adopt(cur, cur.acks);
    return true;
  }

  async close(): Promise<void> {
    await this.pumping;
    for (const f of [...this.draining, ...(this.current ? [this.current] : [])]) {
      await f.close();
      this.ctx.release(f.identity, this);
    }
  }

  stats(): FileStats[] {
    const files = [...this.draining, ...(this.current ? [this.current] : [])];
    return files.map((f) => ({
      sourceId: this.sourceId,
      path: f.path,
      kind: this.kind,
      dev: f.dev,
      inode: f.inode,
      size: f.size,
      readOffset: f.reader.lineEnd,
      ackedOffset: f.acks.committedOffset,
      lagBytes: Math.max(0, f.size - f.acks.committedOffset),
      lines: f.reader.lineNo,
      draining: f !== this.current,
    }));
  }
}
