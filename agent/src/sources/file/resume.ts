import type { Checkpoint } from '../../state/checkpoints.ts';
import { AckWindow } from './ack-window.ts';
import { type Fingerprint, parseFingerprint } from './fingerprint.ts';
import { OpenFile, statIdentity } from './open-file.ts';
import { findCopy, findRenamed, type Sibling } from './rotation.ts';
import type { TailContext } from './tail-context.ts';
import type { TrackedPath } from './tracked-path.ts';

/** Finish an opened rotated sibling from the checkpointed offset. */
async function drainFrom(t: TrackedPath, ctx: TailContext, s: Sibling, row: Checkpoint): Promise<OpenFile | null> {
  const f = await OpenFile.fromHandle(s.fh, s.file, row.offset, row.lineNo, ctx.opts);
  if (!t.adopt(f, new AckWindow(row.offset, row.lineNo, null))) return null;
  await t.startDraining(f);
  return f;
}

function fingerprintOrNull(ctx: TailContext, t: TrackedPath, row: Checkpoint): Fingerprint | null {
  try {
    return parseFingerprint(row.fingerprint);
  } catch (err) {
    ctx.issue({ sourceId: t.sourceId, code: 'read_error', path: t.file, message: `checkpoint: ${String(err)}` });
    return null;
  }
}

/**
 * Pick up where the last run's acked checkpoints left off. Each row names a file by device + inode + fingerprint:
 * - still the live file with the same first bytes: resume it at the offset;
 * - renamed to a rotated sibling (auth.log.1, same inode): finish that first, then read the new live file from 0;
 * - live file truncated or replaced meanwhile (copytruncate): finish the copy whose first bytes match, if any;
 * - gone (deleted or compressed): report it; those unread bytes cannot be recovered.
 */
export async function resumeFromCheckpoints(t: TrackedPath, ctx: TailContext, initial: boolean): Promise<void> {
  const rows = ctx.store.list(t.sourceId);
  const live = await statIdentity(t.file);
  let current: OpenFile | null = null;
  for (const row of rows) {
    const fp = fingerprintOrNull(ctx, t, row);
    if (!fp) {
      ctx.store.remove(t.sourceId, row.dev, row.inode);
      continue;
    }
    const want = { dev: row.dev, inode: row.inode, fp };
    if (live && !current && live.dev === row.dev && live.inode === row.inode) {
      const f = await OpenFile.open(t.file, row.offset, row.lineNo, ctx.opts);
      if (f.size >= row.offset && (await f.startsWith(fp))) {
        if (t.adopt(f, new AckWindow(row.offset, row.lineNo, null))) current = f;
        f.verifyReads = true;
        continue;
      }
      await f.close();
      ctx.count('truncations');
      const copy = await findCopy(t.dir, t.base, want, row.offset);
      if (copy) await drainFrom(t, ctx, copy, row);
      else {
        ctx.issue({
          sourceId: t.sourceId,
          code: 'truncated',
          path: t.file,
          message: `${t.file} was truncated or replaced while the agent was down (checkpoint at offset ${row.offset}); unread bytes lost, no copy found`,
        });
      }
      continue;
    }
    const renamed = await findRenamed(t.dir, t.base, want);
    if (renamed) {
      await drainFrom(t, ctx, renamed, row);
      continue;
    }
    const copy = fp.length >= ctx.opts.fingerprintBytes ? await findCopy(t.dir, t.base, want, row.offset) : null;
    ctx.store.remove(t.sourceId, row.dev, row.inode);
    if (copy) {
      await drainFrom(t, ctx, copy, row);
      continue;
    }
    ctx.count('rotatedLost');
    ctx.issue({
      sourceId: t.sourceId,
      code: 'rotated_lost',
      path: t.file,
      message: `${t.file}: the file checkpointed at offset ${row.offset} (inode ${row.inode}) is gone (deleted or compressed); its unread tail cannot be recovered`,
    });
  }
  // Generations rotated away after the newest one we had a checkpoint for were never seen: read them whole.
  await t.drainMissedGenerations();
  if (!current && live) {
    const f = await OpenFile.open(t.file, 0, 0, ctx.opts);
    // A first-ever sight of a file that was there at startup may skip its history; anything else starts at 0.
    const start = rows.length === 0 && initial && ctx.opts.startAt === 'end' ? await f.lastLineBoundary() : 0;
    if (start > 0) await f.rewind(start, 0);
    if (t.adopt(f, new AckWindow(start, 0, null))) current = f;
    f.verifyReads = true;
  }
  t.current = current;
}
