import { ANOMALY_TYPES } from '../schema/anomaly.ts';
import { LOG_SOURCES } from '../schema/event.ts';
import { ValidationError } from '../schema/validate.ts';
import { intFlag, parseCommand, UsageError } from '../util/cli.ts';
import type { Manifest } from './manifest.ts';
import { loadScenarioFile } from './scenario.ts';
import { generateDataset } from './write.ts';

const GROUP_USAGE = `Usage: vigil data <command> [options]

Commands:
  generate    write the synthetic AWS log dataset (native files, labels.jsonl, manifest.json)

Run 'vigil data generate --help' for its options.`;

const GENERATE_USAGE = `Usage: vigil data generate --out DIR [--seed N] [--scenario FILE] [--samples N] [--json]

Writes one year (by default) of EC2 auth.log/syslog/process/disk samples, Lambda CloudWatch Logs events, S3 server
access logs, VPC flow logs and CloudTrail records for a consistent set of users and hosts, with injected anomalies
described in labels.jsonl and counts in manifest.json. The same seed and scenario give byte-identical files.

Options:
  --out DIR          output directory (created if missing)
  --seed N           random seed (overrides the scenario's; default 42)
  --scenario FILE    YAML or JSON scenario overriding any default (users, hosts, days, mix, anomalies...)
  --samples N        total records over all sources (default 100000)
  --json             print the summary as one JSON object`;

export function summaryText(m: Manifest, seconds: number, out: string): string {
  const lines = [
    `wrote ${m.records} records to ${out} in ${seconds.toFixed(2)} s (seed ${m.seed}, ${m.start} .. ${m.end})`,
    '',
    'records per source:',
  ];
  for (const s of LOG_SOURCES)
    lines.push(`  ${s.padEnd(12)} ${String(m.counts.sources[s]).padStart(9)}  (${m.counts.labelled[s]} in anomalies)`);
  lines.push('', 'anomalies (incidents / low-and-slow / labelled lines):');
  for (const t of ANOMALY_TYPES) {
    const a = m.counts.anomalies[t];
    lines.push(
      `  ${t.padEnd(22)} ${String(a.incidents).padStart(4)} ${String(a.lowAndSlow).padStart(4)} ${String(a.events).padStart(8)}`,
    );
  }
  return lines.join('\n');
}

async function generate(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: GENERATE_USAGE,
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      scenario: { type: 'string' },
      samples: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!parsed) return 0;
  const v = parsed.values;
  if (!v.out) throw new UsageError(`--out is required\n\n${GENERATE_USAGE}`);
  const seed = v.seed === undefined ? undefined : intFlag('seed', v.seed, 0);
  if (seed !== undefined && seed > 4294967295)
    throw new UsageError(`--seed must be at most 4294967295, got '${v.seed}'`);
  const samples = v.samples === undefined ? undefined : intFlag('samples', v.samples, 0);
  if (samples !== undefined && (samples < 100 || samples > 1_000_000_000))
    throw new UsageError(`--samples must be between 100 and 1000000000, got '${v.samples}'`);
  try {
    const scenario = v.scenario ? await loadScenarioFile(v.scenario) : undefined;
    const t0 = performance.now();
    const manifest = await generateDataset({ out: v.out, seed, samples, scenario });
    const seconds = (performance.now() - t0) / 1000;
    if (v.json) {
      const { sources, labelled, anomalies } = manifest.counts;
      process.stdout.write(
        `${JSON.stringify({ out: v.out, seed: manifest.seed, records: manifest.records, seconds: Math.round(seconds * 1000) / 1000, sources, labelled, anomalies })}\n`,
      );
    } else {
      process.stdout.write(`${summaryText(manifest, seconds, v.out)}\n`);
    }
    return 0;
  } catch (err) {
    if (err instanceof ValidationError) {
      process.stderr.write(`vigil data generate: invalid scenario: ${err.message}\n`);
      return 2;
    }
    if (
      (err as NodeJS.ErrnoException).code === 'ENOENT' &&
      v.scenario &&
      (err as NodeJS.ErrnoException).path === v.scenario
    ) {
      process.stderr.write(`vigil data generate: scenario file not found: ${v.scenario}\n`);
      return 2;
    }
    throw err;
  }
}

/** `vigil data ...` */
export async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${GROUP_USAGE}\n`);
    return command ? 0 : 2;
  }
  if (command === 'generate') return generate(rest);
  throw new UsageError(`unknown command '${command}'\n\n${GROUP_USAGE}`);
}
