import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** How far one file has been durably consumed. dev/inode are decimal strings: inodes can exceed 2^53. */
export interface Checkpoint {
  sourceId: string;
  dev: string;
  inode: string;
  /** `<length>:<sha1 hex>` of the file's first bytes (see sources/file/fingerprint.ts). */
  fingerprint: string;
  offset: number;
  lineNo: number;
  updated: number;
}

/** What the tailer needs from checkpoint storage; CheckpointRepo is the real one. */
export interface CheckpointStore {
  list(sourceId: string): Checkpoint[];
  save(cp: Omit<Checkpoint, 'updated'>): void;
  remove(sourceId: string, dev: string, inode: string): void;
}

interface Row {
  source_id: string;
  dev: string;
  inode: string;
  fingerprint: string;
  byte_offset: number;
  line_no: number;
  updated: number;
}

const toCheckpoint = (r: Row): Checkpoint => ({
  sourceId: r.source_id,
  dev: r.dev,
  inode: r.inode,
  fingerprint: r.fingerprint,
  offset: r.byte_offset,
  lineNo: r.line_no,
  updated: r.updated,
});

/** One row per open file of a source (two while a rotated file is still being drained). */
export class CheckpointRepo implements CheckpointStore {
  private readonly upsert: StatementSync;
  private readonly bySource: StatementSync;
  private readonly everything: StatementSync;
  private readonly del: StatementSync;

  constructor(
    db: DatabaseSync,
    private readonly now: () => number,
  ) {
    this.upsert = db.prepare(
      `INSERT INTO checkpoints (source_id, dev, inode, fingerprint, byte_offset, line_no, updated)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source_id, dev, inode) DO UPDATE SET
         fingerprint = excluded.fingerprint, byte_offset = excluded.byte_offset,
         line_no = excluded.line_no, updated = excluded.updated`,
    );
    this.bySource = db.prepare('SELECT * FROM checkpoints WHERE source_id = ? ORDER BY updated, inode');
    this.everything = db.prepare('SELECT * FROM checkpoints ORDER BY source_id, updated');
    this.del = db.prepare('DELETE FROM checkpoints WHERE source_id = ? AND dev = ? AND inode = ?');
  }

  save(cp: Omit<Checkpoint, 'updated'>): void {
    this.upsert.run(cp.sourceId, cp.dev, cp.inode, cp.fingerprint, cp.offset, cp.lineNo, this.now());
  }

  list(sourceId: string): Checkpoint[] {
    return (this.bySource.all(sourceId) as unknown as Row[]).map(toCheckpoint);
  }

  all(): Checkpoint[] {
    return (this.everything.all() as unknown as Row[]).map(toCheckpoint);
  }

  remove(sourceId: string, dev: string, inode: string): void {
    this.del.run(sourceId, dev, inode);
  }
}
