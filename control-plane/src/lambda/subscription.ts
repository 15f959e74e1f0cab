/**
 * CloudWatch Logs subscription-filter Lambda: the serverless scale-out path. Decodes the gzip+base64 payload, parses
 * the events with the group's format, scores them with the same CloudDetector the control plane runs, and stores
 * the anomalies in the control plane's database (DATABASE_URL), correlated into incidents as the pull ingest does,
 * or returns them.
 *
 * Environment: VIGIL_BUNDLE_DIR (model bundle), VIGIL_GROUP_FORMATS (JSON [{pattern, format}], default
 * /aws/lambda/* → lambda), VIGIL_DEFAULT_FORMAT (format of unmapped groups; unset = they are refused), DATABASE_URL.
 */
import { createParser } from '../../../models/src/parse/registry.ts';
import type { Anomaly } from '../../../models/src/schema/index.ts';
import type { Db } from '../db/db.ts';
import { openPostgres } from '../db/postgres.ts';
import { CloudDetector } from '../detect/cloud-detector.ts';
import { FleetCorrelator } from '../detect/correlator.ts';
import { RegionRule } from '../detect/region-rule.ts';
import { storeCloudAnomalies } from '../detect/store.ts';
import {
  type CloudFormat,
  DEFAULT_GROUP_MAPPINGS,
  formatOfGroup,
  type GroupMapping,
  isCloudFormat,
} from '../ingest/format-map.ts';
import { parseCwEvents, type RejectedLine } from '../ingest/parse-events.ts';
import { cloudSink, detectorSink } from '../ingest/sink.ts';
import { decodeSubscription } from './subscription-payload.ts';

export interface SubscriptionDeps {
  detector: CloudDetector;
  db?: Db;
  groups: readonly GroupMapping[];
  defaultFormat?: CloudFormat;
  clock?: () => number;
}

export interface SubscriptionResult {
  skipped?: 'control_message';
  logGroup?: string;
  events: number;
  rejected: number;
  rejectedSamples: RejectedLine[];
  /** Anomalies found; when a database is configured, `stored` says how many were new. */
  anomalies: Anomaly[];
  stored?: number;
  /** Incidents opened or grown by correlating the new anomalies (database configured only). */
  incidents?: string[];
}

export function createSubscriptionHandler(deps: SubscriptionDeps) {
  const clock = deps.clock ?? Date.now;
  // Incidents of the current invocation (a Lambda container runs one invocation at a time).
  let incidents: string[] = [];
  // The same sink the control plane's pull ingest uses: model scores, the unusual-region rule on CloudTrail, and
  // fleet correlation into incidents of what was newly stored. Without a database it only scores.
  const sink = deps.db
    ? cloudSink(deps.detector, new FleetCorrelator(deps.db), new RegionRule(deps.db), clock, (ids) => {
        incidents = ids;
      })
    : detectorSink(deps.detector);
  return async function handle(event: unknown): Promise<SubscriptionResult> {
    const payload = decodeSubscription(event);
    if (payload.messageType === 'CONTROL_MESSAGE') {
      return { skipped: 'control_message', events: 0, rejected: 0, rejectedSamples: [], anomalies: [] };
    }
    const format = formatOfGroup(payload.logGroup, deps.groups) ?? deps.defaultFormat;
    if (!format)
      throw new Error(`logGroup: no format configured for ${JSON.stringify(payload.logGroup.slice(0, 512))}`);
    // one payload is one stream's batch: a fresh parser per invocation keeps streams from sharing parser state
    const parsed = parseCwEvents(createParser(format), payload.logEvents, payload);
    const anomalies = await sink.score(format, parsed.events);
    const out: SubscriptionResult = {
      logGroup: payload.logGroup,
      events: payload.logEvents.length,
      rejected: parsed.rejectedCount,
      rejectedSamples: parsed.rejected,
      anomalies,
    };
    if (deps.db) {
      const newIds = await storeCloudAnomalies(deps.db, format, anomalies, clock());
      incidents = [];
      await sink.stored?.(format, anomalies, newIds);
      out.stored = newIds.size;
      out.incidents = incidents;
    }
    return out;
  };
}

function groupsFromEnv(env: NodeJS.ProcessEnv): GroupMapping[] {
  if (!env.VIGIL_GROUP_FORMATS) return [...DEFAULT_GROUP_MAPPINGS];
  const parsed: unknown = JSON.parse(env.VIGIL_GROUP_FORMATS);
  if (!Array.isArray(parsed)) throw new Error('VIGIL_GROUP_FORMATS: must be a JSON array of {pattern, format}');
  return parsed.map((m, i) => {
    if (typeof m?.pattern !== 'string' || !isCloudFormat(String(m?.format))) {
      throw new Error(`VIGIL_GROUP_FORMATS.${i}: needs a string pattern and a format of lambda, s3, vpc, cloudtrail`);
    }
    return { pattern: m.pattern, format: m.format };
  });
}

/** Built once per container (cold start) and reused by warm invocations. */
let cached: Promise<ReturnType<typeof createSubscriptionHandler>> | undefined;

async function fromEnv(env: NodeJS.ProcessEnv = process.env) {
  const defaultFormat = env.VIGIL_DEFAULT_FORMAT;
  if (defaultFormat !== undefined && !isCloudFormat(defaultFormat)) {
    throw new Error('VIGIL_DEFAULT_FORMAT: must be one of lambda, s3, vpc, cloudtrail');
  }
  const groups = groupsFromEnv(env);
  const detector = await CloudDetector.load({ bundleDir: env.VIGIL_BUNDLE_DIR || undefined });
  const db = env.DATABASE_URL ? await openPostgres(env.DATABASE_URL, { maxConnections: 2 }) : undefined;
  return createSubscriptionHandler({ detector, db, groups, defaultFormat });
}

/** The Lambda entry point. */
export async function handler(event: unknown, _context?: unknown): Promise<SubscriptionResult> {
  cached ??= fromEnv().catch((err) => {
    cached = undefined; // a failed cold start is retried by the next invocation
    throw err;
  });
  return (await cached)(event);
}
