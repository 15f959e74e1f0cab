import { createHash } from 'node:crypto';
import type { Anomaly, Severity } from '../../../models/src/schema/index.ts';
import type { Db, Queryable } from '../db/db.ts';
import { maxSeverity, type Placement, placeAnomaly } from './incidents-store.ts';

export interface CorrelatorOptions {
  /** Distinct hosts one source IP must hit within `windowMs` to be a distributed brute force (default 3). */
  bruteForceHosts?: number;
  /** Distinct hosts running the same miner executable within `windowMs` (default 3). */
  minerHosts?: number;
  windowMs?: number;
  /** Anomalies this close in time to an incident's last one join it (default 30 min). */
  gapMs?: number;
}

interface StoredRow {
  seq: number;
  host: string | null;
  anomaly: Anomaly;
}

const ATTACK_TYPES = new Set(['ssh_brute_force', 'credential_stuffing', 'port_scan', 'ddos', 's3_unauthorized_burst']);
const hashKey = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/** The correlation keys of an anomaly: its entity, plus the attacker IP, principal and miner it names. */
export function keysOf(a: Anomaly): { keys: string[]; ip?: string; principal?: string; miner?: string } {
  const t = a.evidence.targets ?? {};
  const ip = a.entity.kind === 'ip' ? a.entity.id : typeof t.ip === 'string' ? t.ip : undefined;
  const principal = a.entity.kind === 'user' ? a.entity.id : typeof t.principal === 'string' ? t.principal : undefined;
  const miner = a.type === 'crypto_miner' && typeof t.exe === 'string' ? hashKey(t.exe) : undefined;
  const keys = [`entity:${a.entity.kind}:${a.entity.id}`];
  if (ip) keys.push(`ip:${ip}`);
  if (principal) keys.push(`principal:${principal}`);
  if (miner) keys.push(`miner:${miner}`);
  return { keys, ip, principal, miner };
}

/**
 * Fleet correlation over stored anomalies (from agents and from cloud scoring alike): groups them into incidents and
 * recognises what no single host can see — one IP attacking many hosts, one miner on many hosts, a principal in a
 * new region, an account-wide spike.
 */
export class FleetCorrelator {
  private readonly o: Required<CorrelatorOptions>;

  constructor(
    private readonly db: Db,
    opts: CorrelatorOptions = {},
  ) {
    this.o = { bruteForceHosts: 3, minerHosts: 3, windowMs: 3_600_000, gapMs: 1_800_000, ...opts };
  }

  /** Correlates newly stored anomalies of one origin; returns the incident id of each, in order. */
  async correlate(origin: string, anomalyIds: readonly string[], now: number): Promise<string[]> {
    if (anomalyIds.length === 0) return [];
    const rows = await this.load(origin, anomalyIds);
    const out: string[] = [];
    for (const row of rows) {
      out.push(await this.db.transaction(async (tx) => placeAnomaly(tx, await this.place(tx, row), this.o.gapMs, now)));
    }
    return out;
  }

  private async load(origin: string, ids: readonly string[]): Promise<StoredRow[]> {
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT seq, host, anomaly_id, type, entity_kind, entity_id, source, ts, window_end, score, threshold, model,
         severity, evidence, detected_at
       FROM anomalies WHERE origin = $1 AND anomaly_id = ANY($2::text[]) ORDER BY ts, seq`,
      [origin, ids],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      host: (r.host as string | null) ?? null,
      anomaly: {
        id: r.anomaly_id as string,
        type: r.type as Anomaly['type'],
        entity: { kind: r.entity_kind as Anomaly['entity']['kind'], id: r.entity_id as string },
        source: r.source as Anomaly['source'],
        window: { start: Number(r.ts), end: Number(r.window_end) },
        score: Number(r.score),
        threshold: Number(r.threshold),
        model: r.model as Anomaly['model'],
        severity: r.severity as Severity,
        evidence: r.evidence as Anomaly['evidence'],
        detectedAt: Number(r.detected_at),
      },
    }));
  }

  private async place(tx: Queryable, row: StoredRow): Promise<Placement> {
    const a = row.anomaly;
    const k = keysOf(a);
    const base: Placement = {
      seq: row.seq,
      anomaly: a,
      keys: k.keys,
      kind: 'model',
      title: `${a.type} on ${a.entity.kind} ${a.entity.id}`.slice(0, 300),
      severity: a.severity,
    };
    const since = a.window.start - this.o.windowMs;
    if (k.ip && ATTACK_TYPES.has(a.type)) {
      const hosts = await this.distinctHosts(
        tx,
        since,
        a.window.end,
        `(entity_kind = 'ip' AND entity_id = $3) OR evidence->'targets'->>'ip' = $3`,
        k.ip,
      );
      if (hosts >= this.o.bruteForceHosts) {
        return {
          ...base,
          kind: 'distributed_brute_force',
          severity: 'critical',
          title: `Source IP ${k.ip} attacking ${hosts} hosts`,
        };
      }
    }
    if (k.miner) {
      const exe = String(a.evidence.targets?.exe);
      const hosts = await this.distinctHosts(
        tx,
        since,
        a.window.end,
        `type = 'crypto_miner' AND evidence->'targets'->>'exe' = $3`,
        exe,
      );
      if (hosts >= this.o.minerHosts) {
        return {
          ...base,
          kind: 'fleet_miner',
          severity: 'critical',
          title: `Miner ${exe.slice(0, 200)} on ${hosts} hosts`,
        };
      }
    }
    if (a.type === 'unusual_region') {
      return {
        ...base,
        kind: 'unusual_region',
        severity: maxSeverity(a.severity, 'high'),
        title: `${k.principal ?? a.entity.id} active in a region it never used`.slice(0, 300),
      };
    }
    if (a.entity.kind === 'account' && a.type === 'account_spike') {
      return {
        ...base,
        kind: 'account_spike',
        severity: maxSeverity(a.severity, 'high'),
        title: `Account-wide activity spike in ${a.entity.id}`,
      };
    }
    return base;
  }

  /** `predicate` is a constant from this file; the compared value travels as $3. */
  private async distinctHosts(tx: Queryable, since: number, until: number, predicate: string, value: string) {
    const { rows } = await tx.query<{ n: number }>(
      `SELECT count(DISTINCT host)::int AS n FROM anomalies
       WHERE ts >= $1 AND ts < $2 AND host IS NOT NULL AND (${predicate})`,
      [since, until, value],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
