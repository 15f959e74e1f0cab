import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ANOMALY_TYPES } from '../../../models/src/schema/index.ts';
import { intFlag, parseCommand, UsageError } from '../../../models/src/util/cli.ts';
import { seedSampleData } from '../analytics/sample-data.ts';
import { ConfigError, loadConfig } from '../config/load.ts';
import type { Db } from '../db/db.ts';
import { applyMigrations } from '../db/migrate.ts';
import { openPglite } from '../db/pglite.ts';
import { openStore } from '../server.ts';
import { figures } from './figures.ts';
import { buildReport, checkMeasuredUptime, type MeasuredUptime, type ReportModel } from './model.ts';
import { printPdf } from './pdf.ts';
import { renderHtml } from './render-html.ts';
import { renderMarkdown } from './render-md.ts';

const DAY = 86_400_000;
const USAGE = `vigil report - stakeholder report: incidents, response, MTTD/MTTR, uptime and downtime avoided

Usage: vigil report [--from TIME] [--to TIME] [--format html|pdf|md] [--out FILE] [--json]
                    [--bucket-minutes N] [--human-response-minutes N] [--outage-types t1,t2]
                    [--measured FILE.json] [--data DIR] [--config FILE] [--sample]

  --from, --to     ISO 8601 (2025-03-01, 2025-03-01T12:00Z) or epoch ms; default the 30 days before now
  --format         html, pdf or md; default from --out's extension, else md. pdf needs --out
  --out FILE       write there (md also writes one FILE-stem.<chart>.svg per chart); default stdout
  --json           print the report model as JSON instead of rendering it
  --human-response-minutes N   assumed time to a human response for the downtime estimate (default 30)
  --outage-types   anomaly types whose harm lasts until someone acts (default disk_fill,crypto_miner,ddos)
  --measured FILE  measured off-vs-auto downtime: {"off":{"downtimeMs":N,...},"auto":{...},"method":"..."}
  --sample         report on a generated sample fleet (in memory) instead of the store

The store is PGlite under --data (stop a running control plane first) or PostgreSQL via DATABASE_URL.`;

const FORMATS = ['html', 'pdf', 'md'] as const;
type Format = (typeof FORMATS)[number];

/** ISO date/time or epoch ms; the error names the flag. */
export function parseTime(flag: string, value: string): number {
  const t = /^\d{10,16}$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(t) || t < 0) throw new UsageError(`--${flag} must be ISO 8601 or epoch ms, got '${value}'`);
  return t;
}

function formatOf(format: string | undefined, out: string | undefined): Format {
  const f = format ?? (out ? path.extname(out).slice(1).toLowerCase() : 'md');
  const chosen = f === 'markdown' ? 'md' : f;
  if (!FORMATS.includes(chosen as Format)) {
    throw new UsageError(
      `--format must be one of ${FORMATS.join(', ')}${format ? `, got '${format}'` : ' (or give --out a .html/.pdf/.md name)'}`,
    );
  }
  if (chosen === 'pdf' && !out) throw new UsageError('--format pdf needs --out FILE');
  return chosen as Format;
}

function readMeasured(file: string): MeasuredUptime {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--measured ${file}: ${(err as Error).message}`);
  }
  try {
    return checkMeasuredUptime(raw, `--measured ${file}`);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function outageTypes(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const types = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = new Set<string>(ANOMALY_TYPES);
  const bad = types.find((t) => !known.has(t));
  if (bad !== undefined || types.length === 0)
    throw new UsageError(`--outage-types: unknown anomaly type '${bad ?? ''}'`);
  return types;
}

async function openSource(values: { sample?: boolean; data?: string; config?: string }, from: number, to: number) {
  if (values.sample) {
    const db = await openPglite();
    await applyMigrations(db);
    const seeded = await seedSampleData(db, { from, to, heartbeatEveryMs: 15 * 60_000 });
    return { db, staleAfterMs: seeded.staleAfterMs };
  }
  try {
    const config = loadConfig({
      file: values.config,
      overrides: values.data === undefined ? [] : [{ path: 'dataDir', flag: '--data', value: values.data }],
    });
    return { db: await openStore(config), staleAfterMs: config.staleHeartbeatSeconds * 1000 };
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`invalid configuration: ${err.message}`);
    throw err;
  }
}

async function write(model: ReportModel, format: Format, out: string | undefined): Promise<void> {
  if (format === 'pdf') {
    writeFileSync(out!, await printPdf(renderHtml(model)));
    return;
  }
  if (format === 'html') {
    const html = renderHtml(model);
    if (out) writeFileSync(out, html);
    else process.stdout.write(html);
    return;
  }
  const chartPaths: Record<string, string> = {};
  if (out) {
    const stem = path.basename(out, path.extname(out));
    for (const f of figures(model)) {
      const file = `${stem}.${f.name}.svg`;
      writeFileSync(path.join(path.dirname(out), file), f.svg);
      chartPaths[f.name] = file;
    }
  }
  const text = renderMarkdown(model, { chartPaths });
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}

/** `vigil report ...`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: USAGE,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      'bucket-minutes': { type: 'string' },
      'human-response-minutes': { type: 'string' },
      'outage-types': { type: 'string' },
      measured: { type: 'string' },
      data: { type: 'string' },
      config: { type: 'string' },
      sample: { type: 'boolean' },
    },
  });
  if (!parsed) return 0;
  const v = parsed.values;
  const to = v.to === undefined ? Date.now() : parseTime('to', v.to);
  const from = v.from === undefined ? to - 30 * DAY : parseTime('from', v.from);
  if (from >= to) throw new UsageError(`--from must be before --to`);
  const format = v.json ? null : formatOf(v.format, v.out);
  const human = intFlag('human-response-minutes', v['human-response-minutes'], 30);
  if (human < 1) throw new UsageError('--human-response-minutes must be at least 1');
  const bucketMinutes =
    v['bucket-minutes'] === undefined ? undefined : intFlag('bucket-minutes', v['bucket-minutes'], 0);
  const types = outageTypes(v['outage-types']);
  const measured = v.measured === undefined ? undefined : readMeasured(v.measured);
  const { db, staleAfterMs } = await openSource(v, from, to);
  let model: ReportModel;
  try {
    model = await build(db, { from, to, bucketMinutes, human, types, measured, staleAfterMs });
  } finally {
    await db.close();
  }
  if (format === null) {
    const json = `${JSON.stringify(model, null, 2)}\n`;
    if (v.out) writeFileSync(v.out, json);
    else process.stdout.write(json);
  } else {
    await write(model, format, v.out);
  }
  if (v.out) process.stderr.write(`wrote ${v.out}\n`);
  return 0;
}

async function build(
  db: Db,
  o: {
    from: number;
    to: number;
    bucketMinutes?: number;
    human: number;
    types?: string[];
    measured?: MeasuredUptime;
    staleAfterMs: number;
  },
): Promise<ReportModel> {
  try {
    return await buildReport(db, {
      from: o.from,
      to: o.to,
      bucketMs: o.bucketMinutes === undefined ? undefined : o.bucketMinutes * 60_000,
      humanResponseMs: o.human * 60_000,
      outageTypes: o.types,
      staleAfterMs: o.staleAfterMs,
      measured: o.measured,
      generatedAt: Date.now(),
    });
  } catch (err) {
    const field = (err as { field?: string }).field;
    if (field) throw new UsageError(`--${field === 'bucket' ? 'bucket-minutes' : field}: ${(err as Error).message}`);
    throw err;
  }
}
