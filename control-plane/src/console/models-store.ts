import type { Queryable } from '../db/db.ts';

/**
 * The model card a registry bundle carries: its manifest (models, thresholds, per-model metrics, label set, feature
 * schema). The free-text MODEL_CARD.md is not part of a bundle archive, so it is not available here.
 */
export async function bundleCard(db: Queryable, version: string) {
  const { rows } = await db.query<{ manifest: Record<string, unknown>; created_at: number; created_by: string }>(
    'SELECT manifest, created_at, created_by FROM model_bundles WHERE version = $1',
    [version],
  );
  const r = rows[0];
  if (!r) return null;
  const m = r.manifest as {
    bundleVersion?: string;
    createdAt?: string;
    featureSchema?: { version?: unknown; hash?: string; names?: string[] };
    models?: Record<string, unknown>[];
    thresholds?: Record<string, number>;
    labelSet?: string[];
    trainingSeed?: number;
  };
  return {
    version,
    uploadedAt: r.created_at,
    uploadedBy: r.created_by,
    trainedAt: m.createdAt ?? null,
    trainingSeed: m.trainingSeed ?? null,
    featureSchema: {
      version: m.featureSchema?.version ?? null,
      hash: m.featureSchema?.hash ?? null,
      names: m.featureSchema?.names ?? [],
    },
    models: (m.models ?? []).map((x) => ({
      name: String(x.name),
      kind: String(x.kind),
      format: String(x.format),
      file: String(x.file),
      threshold: typeof x.threshold === 'number' ? x.threshold : null,
      labels: Array.isArray(x.labels) ? (x.labels as string[]) : [],
      metrics: (x.metrics as Record<string, number> | undefined) ?? {},
    })),
    thresholds: m.thresholds ?? {},
    labelSet: m.labelSet ?? [],
  };
}

/** Per channel: how many live hosts report which model version (from heartbeats' inventory). */
export async function channelVersions(db: Queryable) {
  const { rows } = await db.query<{ channel: string; version: string | null; hosts: number }>(
    `SELECT coalesce(ch.channel, 'stable') AS channel, a.model_version AS version, count(*)::int AS hosts
     FROM agents a LEFT JOIN agent_channels ch ON ch.agent_id = a.id
     WHERE a.status <> 'revoked' GROUP BY 1, 2 ORDER BY 1, 3 DESC`,
  );
  return rows;
}
