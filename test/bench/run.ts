/**
 * Runs benchmark scripts one after another, each pinned to one core (taskset) so figures are comparable, and prints
 * their JSON results plus a markdown table. Usage: node --import tsx test/bench/run.ts [name ...] [--md FILE]
 * A bench script prints one JSON object per line on stdout; anything else it prints goes to stderr.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const args = process.argv.slice(2);
const mdIndex = args.indexOf('--md');
const mdFile = mdIndex >= 0 ? args[mdIndex + 1] : undefined;
const names = args.filter((a, i) => !a.startsWith('--') && (mdIndex < 0 || i !== mdIndex + 1));
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => names.length === 0 || names.some((n) => f.startsWith(n)))
  .sort();

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return true;
  } catch {
    return false;
  }
}

const pin = hasTaskset();
const results: Record<string, unknown>[] = [];
for (const script of scripts) {
  process.stderr.write(`bench: ${script}${pin ? ' (pinned to cpu 0)' : ''}\n`);
  const argv = ['--expose-gc', '--import', 'tsx', path.join(here, script)];
  const r = pin
    ? spawnSync('taskset', ['-c', '0', process.execPath, ...argv], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 64 << 20,
      })
    : spawnSync(process.execPath, argv, {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 64 << 20,
      });
  if (r.status !== 0) {
    process.stderr.write(`bench: ${script} failed with status ${r.status}\n`);
    process.exitCode = 1;
  }
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const obj = JSON.parse(line) as Record<string, unknown>;
    results.push({ bench: script.replace('.bench.ts', ''), ...obj });
    process.stdout.write(`${JSON.stringify(obj)}\n`);
  }
}

const header = `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node ${process.version}${pin ? ', each bench pinned to one core' : ''}.`;
const fmt = (v: unknown) =>
  typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toPrecision(4)) : String(v ?? '');
/** One table per bench script: each has its own columns. */
function tableOf(rows: Record<string, unknown>[]): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => k !== 'bench');
  return [
    `| ${keys.join(' | ')} |`,
    `| ${keys.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${keys.map((k) => fmt(r[k])).join(' | ')} |`),
  ].join('\n');
}
const benches = [...new Set(results.map((r) => r.bench as string))];
const table = benches.map((b) => `### ${b}\n\n${tableOf(results.filter((r) => r.bench === b))}`).join('\n\n');
const md = `${header}\n\n${table}\n`;
if (mdFile) writeFileSync(mdFile, md);
process.stderr.write(`\n${md}`);
