import { isLogFormat, LOG_FORMATS, type LogFormat } from '../../../models/src/parse/types.ts';
import { intFlag, parseCommand, UsageError } from '../../../models/src/util/cli.ts';
import { loadAgentConfig } from '../config/load.ts';
import { type ReplayReport, replay } from '../pipeline/replay.ts';
import { loadPolicy, type Policy, validatePolicyObject } from '../respond/index.ts';
import { shippedBundleDir } from '../runtime/locations.ts';
import { printable, safeJson } from '../status/escape.ts';

/** The bundle shipped with this build (the repository's when run from source, the package's for the binary). */
export const REPO_BUNDLE = shippedBundleDir();

const USAGE = `Usage: vigil-agent replay FILE... [--json] [--bundle DIR] [--policy FILE | --config FILE] [options]

Offline scoring with a report: parses the files (format detected per file; gzip read), replays the events in time
order through the same feature engine the daemon runs, scores every window with the bundle, and lists the anomalies
and the actions the policy WOULD take. Nothing is executed: the firewall backend is forced to dry-run and
clean-disk to a dry run; playbooks only plan (read-only checks of this host).

Options:
  --json          print {bundle, parse, errors, anomalies, actions} as JSON
  --bundle DIR    model bundle (default: --config's models.bundleDir, else ${REPO_BUNDLE})
  --policy FILE   responder policy YAML (default: --config's policy, else the built-in defaults)
  --config FILE   take the bundle and policy from an agent config
  --format F      force the format: ${LOG_FORMATS.join(', ')}
  --year Y        year for syslog timestamps without one
  --host NAME     host name recorded on anomalies (default: this host)
  -h, --help      show this help`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: USAGE,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      bundle: { type: 'string' },
      policy: { type: 'string' },
      config: { type: 'string' },
      format: { type: 'string' },
      year: { type: 'string' },
      host: { type: 'string' },
    },
  });
  if (!parsed) return 0;
  const v = parsed.values;
  if (parsed.positionals.length === 0) throw new UsageError(`at least one FILE is required\n\n${USAGE}`);
  if (v.format !== undefined && !isLogFormat(v.format))
    throw new UsageError(`--format must be one of ${LOG_FORMATS.join(', ')}`);
  if (v.policy && v.config) throw new UsageError('--policy and --config are exclusive');
  const cfg = v.config ? loadAgentConfig(v.config) : undefined;
  const policy: Policy = v.policy ? loadPolicy(v.policy) : (cfg?.policy ?? validatePolicyObject({}, 'default policy'));
  const report = await replay({
    files: parsed.positionals,
    bundleDir: v.bundle ?? cfg?.models.bundleDir ?? REPO_BUNDLE,
    policy,
    format: v.format as LogFormat | undefined,
    year: v.year === undefined ? undefined : intFlag('year', v.year, 0),
    host: v.host ?? cfg?.host.name ?? (await import('node:os')).hostname(),
  });
  process.stdout.write(v.json ? `${safeJson(report, 2)}\n` : render(report));
  return 0;
}

function render(r: ReplayReport): string {
  const out = [
    `bundle ${printable(r.bundle.version)} (${printable(r.bundle.dir, 200)}), threshold ${r.bundle.threshold}`,
    `parsed ${r.parse.files} file(s): ${r.parse.lines} lines, ${r.parse.events} events, ${r.parse.errors} rejected, ${r.parse.skipped} skipped; ${r.rowsScored} windows scored`,
  ];
  for (const e of r.errors.slice(0, 10))
    out.push(`  rejected ${printable(e.file, 120)}:${e.line} ${e.code}: ${printable(e.message, 120)}`);
  out.push(`${r.anomalies.length} anomal${r.anomalies.length === 1 ? 'y' : 'ies'}:`);
  for (const a of r.anomalies) {
    out.push(
      `  ${new Date(a.window.start).toISOString()} ${a.type} ${a.entity.kind}:${printable(a.entity.id, 80)} score ${a.score.toFixed(3)} ${a.severity}`,
    );
    for (const f of a.evidence.topFeatures.slice(0, 3))
      out.push(
        `      ${printable(f.name)} = ${f.value} (${f.contribution >= 0 ? '+' : ''}${f.contribution.toFixed(3)})`,
      );
    for (const w of r.actions.filter((x) => x.anomalyId === a.id)) {
      out.push(
        `    -> ${w.playbook} [${w.mode}] ${w.decision}${w.target ? ` ${printable(w.target, 80)}` : ''}: ${printable(w.why, 160)}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}
