import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { intFlag, parseCommand, UsageError } from '../util/cli.ts';
import { Progress } from '../util/progress.ts';
import { CsvWriter } from './csv.ts';
import { TemplateMiner } from './drain/miner.ts';
import { type ErrorRecord, type ParseSummary, parsePaths } from './run.ts';
import { isLogFormat, LOG_FORMATS, type LogFormat } from './types.ts';
import { parseVpcHeader } from './vpc.ts';

const GROUP_HELP = `vigil logs - parse native logs to normalized events

Usage: vigil logs <command> [options]

Commands:
  parse           parse log files or dataset directories into one CSV of normalized events

Run 'vigil logs <command> --help' for its options.`;

const PARSE_USAGE = `Usage: vigil logs parse PATH... --out FILE.csv [options]

Reads files and directories (recursively; labels.jsonl and manifest.json are skipped), detects each file's format
(gzip by magic bytes), and writes one CSV row per event. Bad lines are counted and reported with file and line;
the run never stops on bad input. lines = events + errors + skipped (blank/header lines).

Options:
  --out FILE.csv        CSV to write (required)
  --format F            force the format: ${LOG_FORMATS.join(', ')}
  --year Y              year for syslog timestamps without one (default: manifest.json, else file mtime)
  --vpc-fields "F ..."  VPC custom format field list for files without a header line
  --errors FILE.jsonl   write every rejected line as a JSON object {file, line, code, message, field?}
  --json                print a summary object on stdout
  --templates           mine Drain templates for auth.other/syslog.other lines (attrs.template)
  --extended-attrs      keep every attr the syslog classifiers extract, not only the contract's keys
  --excel-safe          prefix cells that start with = + - @ with ' (CSV formula injection guard)
  -h, --help            show this help`;

/** `vigil logs <command>`: the group entry the dispatcher calls. */
export async function run(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(`${GROUP_HELP}\n`);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === 'parse') return runParse(rest);
  throw new UsageError(`unknown command '${cmd}'\n\n${GROUP_HELP}`);
}

export interface ParseCliOptions {
  paths: string[];
  out: string;
  format?: LogFormat;
  year?: number;
  vpcFields?: string;
  errors?: string;
  json: boolean;
  templates: boolean;
  extendedAttrs: boolean;
  excelSafe: boolean;
}

export function parseParseArgs(argv: string[]): ParseCliOptions | null {
  const parsed = parseCommand(argv, {
    usage: PARSE_USAGE,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      format: { type: 'string' },
      year: { type: 'string' },
      'vpc-fields': { type: 'string' },
      errors: { type: 'string' },
      json: { type: 'boolean' },
      templates: { type: 'boolean' },
      'extended-attrs': { type: 'boolean' },
      'excel-safe': { type: 'boolean' },
    },
  });
  if (parsed === null) return null;
  const v = parsed.values;
  if (parsed.positionals.length === 0) throw new UsageError(`give at least one PATH\n\n${PARSE_USAGE}`);
  if (!v.out) throw new UsageError(`--out FILE.csv is required\n\n${PARSE_USAGE}`);
  if (v.format !== undefined && !isLogFormat(v.format)) {
    throw new UsageError(`--format must be one of ${LOG_FORMATS.join(', ')}, got '${v.format}'`);
  }
  const year = v.year === undefined ? undefined : intFlag('year', v.year, 0);
  if (year !== undefined && (year < 1970 || year > 9999))
    throw new UsageError(`--year must be 1970..9999, got ${year}`);
  const vpcFields = v['vpc-fields'];
  if (vpcFields !== undefined && !parseVpcHeader(vpcFields)) {
    throw new UsageError(`--vpc-fields has a field that is not a VPC flow log field: '${vpcFields}'`);
  }
  return {
    paths: parsed.positionals,
    out: v.out,
    format: v.format as LogFormat | undefined,
    year,
    vpcFields,
    errors: v.errors,
    json: v.json ?? false,
    templates: v.templates ?? false,
    extendedAttrs: v['extended-attrs'] ?? false,
    excelSafe: v['excel-safe'] ?? false,
  };
}

async function runParse(argv: string[]): Promise<number> {
  const o = parseParseArgs(argv);
  if (o === null) return 0;
  for (const p of o.paths) {
    if (!existsSync(p)) throw new UsageError(`no such file or directory: ${safe(p)}`);
  }
  const csv = new CsvWriter(o.out, { excelSafe: o.excelSafe });
  const errorsOut = o.errors ? createWriteStream(o.errors) : undefined;
  let progress: Progress | undefined;
  const started = Date.now();
  const summary = await parsePaths(
    o.paths,
    {
      event: (e) => csv.write(e),
      error: (rec) => errorsOut?.write(`${JSON.stringify(rec)}\n`),
      flush: () => csv.maybeFlush(),
    },
    {
      format: o.format,
      year: o.year,
      vpcFields: o.vpcFields,
      templates: o.templates ? new TemplateMiner() : undefined,
      extendedAttrs: o.extendedAttrs,
      exclude: new Set([path.resolve(o.out), ...(o.errors ? [path.resolve(o.errors)] : [])]),
      onProgress: (done, total) => {
        progress ??= new Progress('parse', total);
        progress.update(done);
      },
    },
  );
  progress?.done();
  await csv.close();
  if (errorsOut) await new Promise<void>((resolve) => errorsOut.end(resolve));
  process.stderr.write(summaryText(summary, o.out, (Date.now() - started) / 1000));
  if (o.json) process.stdout.write(`${JSON.stringify(jsonSummary(summary))}\n`);
  return 0;
}

export function jsonSummary(s: ParseSummary) {
  const byFormat: Record<string, { lines: number; events: number; errors: number; skipped: number }> = {};
  for (const [k, v] of Object.entries(s.byFormat)) if (v) byFormat[k] = { ...v };
  return {
    lines: s.lines,
    events: s.events,
    errors: s.errors,
    skipped: s.skipped,
    files: s.files,
    byFormat,
    errorSamples: s.errorSamples,
  };
}

/** File names and messages can carry control characters: never let them reach the terminal raw. */
function safe(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

function where(e: ErrorRecord): string {
  return safe(`${e.file}:${e.line} [${e.code}${e.field ? ` ${e.field}` : ''}] ${e.message}`);
}

function summaryText(s: ParseSummary, out: string, secs: number): string {
  const lines = [
    `parsed ${s.files} file(s), ${s.lines} line(s) in ${secs.toFixed(1)}s: ${s.events} events, ${s.errors} errors, ${s.skipped} skipped -> ${safe(out)}`,
  ];
  for (const [fmt, v] of Object.entries(s.byFormat)) {
    if (v)
      lines.push(`  ${fmt.padEnd(11)} lines ${v.lines}  events ${v.events}  errors ${v.errors}  skipped ${v.skipped}`);
  }
  if (s.errorSamples.length > 0) {
    lines.push(`first errors (of ${s.errors}):`);
    for (const e of s.errorSamples.slice(0, 10)) lines.push(`  ${where(e)}`);
  }
  return `${lines.join('\n')}\n`;
}
