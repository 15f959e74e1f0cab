import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateDb } from './db.ts';
import { MIGRATIONS, SchemaTooNewError } from './migrations.ts';
import { SpoolFullError } from './spool.ts';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-state-'));
  file = path.join(dir, 'nested', 'state.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('StateDb', () => {
  it('creates the schema once, in WAL mode, and reopens without re-running migrations', () => {
    const a = StateDb.open(file);
    expect(a.schemaVersion).toBe(MIGRATIONS.length);
    expect(a.db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(a.db.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 1 }); // NORMAL
    a.kv.set('agent.id', 'i-0abc');
    a.close();
    const b = StateDb.open(file, { synchronous: 'FULL' });
    expect(b.db.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 2 });
    expect(b.kv.get('agent.id')).toBe('i-0abc');
    b.close();
  });

  it('refuses a database written by a newer schema', () => {
    StateDb.open(file).close();
    const raw = new DatabaseSync(file);
    raw.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => StateDb.open(file)).toThrow(SchemaTooNewError);
  });

  it('rolls a transaction back as a whole, including nested savepoints', () => {
    const s = StateDb.open(file);
    expect(() =>
      s.transaction(() => {
        s.kv.set('a', '1');
        s.transaction(() => s.kv.set('b', '2'));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.kv.get('a')).toBeUndefined();
    expect(s.kv.get('b')).toBeUndefined();
    s.transaction(() => {
      s.kv.set('a', '1');
      expect(() =>
        s.transaction(() => {
          s.kv.set('b', '2');
          throw new Error('inner');
        }),
      ).toThrow('inner');
    });
    expect(s.kv.get('a')).toBe('1');
    expect(s.kv.get('b')).toBeUndefined();
    s.close();
  });
});

describe('CheckpointRepo', () => {
  it('keeps one row per (source, dev, inode) and stores 64-bit inodes exactly', () => {
    const s = StateDb.open(file);
    const big = '18446744073709551557';
    s.checkpoints.save({
      sourceId: 'file:/var/log/auth.log',
      dev: '2049',
      inode: big,
      fingerprint: '10:ab',
      offset: 10,
      lineNo: 1,
    });
    s.checkpoints.save({
      sourceId: 'file:/var/log/auth.log',
      dev: '2049',
      inode: big,
      fingerprint: '20:cd',
      offset: 20,
      lineNo: 2,
    });
    s.checkpoints.save({
      sourceId: 'file:/var/log/auth.log',
      dev: '2049',
      inode: '7',
      fingerprint: '0:',
      offset: 0,
      lineNo: 0,
    });
    const rows = s.checkpoints.list('file:/var/log/auth.log');
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.inode === big)).toMatchObject({ offset: 20, lineNo: 2, fingerprint: '20:cd' });
    s.checkpoints.remove('file:/var/log/auth.log', '2049', big);
    expect(s.checkpoints.list('file:/var/log/auth.log').map((r) => r.inode)).toEqual(['7']);
    s.close();
  });

  it('treats hostile identifiers as data (prepared statements only)', () => {
    const s = StateDb.open(file);
    const evil = "x'); DROP TABLE checkpoints; --";
    s.checkpoints.save({ sourceId: evil, dev: evil, inode: evil, fingerprint: evil, offset: 1, lineNo: 1 });
    expect(s.checkpoints.list(evil)[0].fingerprint).toBe(evil);
    s.kv.set(evil, evil);
    expect(s.kv.get(evil)).toBe(evil);
    s.close();
  });
});

describe('SpoolRepo', () => {
  it('bounds by count, refuses loudly when full, and counts the refusals', () => {
    const s = StateDb.open(file, { spool: { maxItems: 3, maxBytes: 1_000_000 } });
    for (let i = 0; i < 3; i++) s.spool.enqueue('anomaly', `k${i}`, { i });
    expect(() => s.spool.enqueue('anomaly', 'k3', { i: 3 })).toThrow(SpoolFullError);
    expect(() => s.spool.enqueue('anomaly', 'k4', { i: 4 })).toThrow(/spool full: refusing anomaly item/);
    // A replay of an item already held is not a refusal.
    expect(s.spool.enqueue('anomaly', 'k1', { i: 1 })).toEqual({ id: 2, duplicate: true });
    expect(s.spool.stats()).toMatchObject({ count: 3, fullRejections: 2 });
    s.close();
  });

  it('bounds by bytes and keeps totals right through deliveries', () => {
    const s = StateDb.open(file, { spool: { maxItems: 100, maxBytes: 100 } });
    const a = s.spool.enqueue('e', 'a', { pad: 'x'.repeat(40) }); // 50 bytes of JSON
    s.spool.enqueue('e', 'b', { pad: 'y'.repeat(40) });
    expect(s.spool.stats().bytes).toBe(100);
    expect(() => s.spool.enqueue('e', 'c', {})).toThrow(SpoolFullError);
    s.spool.delivered(a.id);
    expect(s.spool.stats()).toMatchObject({ count: 1, bytes: 50 });
    expect(s.spool.enqueue('e', 'c', {}).duplicate).toBe(false);
    s.close();
  });

  it('dedups by idempotency key and serves due items with retry bookkeeping', () => {
    let now = 1000;
    const s = StateDb.open(file, { now: () => now });
    const first = s.spool.enqueue('batch', 'host-1:auth:42', { n: 1 });
    expect(s.spool.enqueue('batch', 'host-1:auth:42', { n: 1 })).toEqual({ id: first.id, duplicate: true });
    s.spool.enqueue('batch', 'later', { n: 2 }, 5000);
    expect(s.spool.due(10).map((i) => i.idempotencyKey)).toEqual(['host-1:auth:42']);
    s.spool.retryAt(first.id, 2000);
    expect(s.spool.due(10)).toEqual([]);
    now = 6000;
    const due = s.spool.due(10);
    expect(due.map((i) => [i.idempotencyKey, i.attempts])).toEqual([
      ['host-1:auth:42', 1],
      ['later', 0],
    ]);
    expect(due[0].body).toEqual({ n: 1 });
    s.close();
  });
});

describe('AuditRepo', () => {
  it('appends a hash chain, refuses update/delete, and detects tampering', () => {
    const s = StateDb.open(file);
    const r1 = s.audit.append({
      actor: 'playbook:kill-miner',
      action: 'process.kill',
      target: 'pid:42@1740830400000',
      outcome: 'done',
    });
    const r2 = s.audit.append({
      actor: 'policy',
      action: 'ip.block',
      target: '203.0.113.9',
      outcome: 'refused',
      detail: { why: 'allowlisted' },
    });
    expect(r2.prevHash).toBe(r1.hash);
    expect(s.audit.list().map((r) => r.action)).toEqual(['process.kill', 'ip.block']);
    expect(s.audit.verify()).toEqual({ ok: true, count: 2 });
    expect(() => s.db.exec(`UPDATE audit SET outcome = 'done' WHERE seq = 2`)).toThrow(/append-only/);
    expect(() => s.db.exec('DELETE FROM audit')).toThrow(/append-only/);
    // Someone with raw file access drops the trigger and edits history: the chain shows it.
    s.db.exec('DROP TRIGGER audit_no_update');
    s.db.exec(`UPDATE audit SET outcome = 'done' WHERE seq = 2`);
    expect(s.audit.verify()).toEqual({ ok: false, count: 1, badSeq: 2 });
    s.close();
  });

  it('restores the connection synchronous level after a FULL audit commit', () => {
    const s = StateDb.open(file);
    s.audit.append({ actor: 'a', action: 'b', target: 'c', outcome: 'd' });
    expect(s.db.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 1 });
    s.close();
  });
});
