/**
 * `npm run package`: the vigil-agent single executable for x64 and arm64, packed as AWS Systems Manager
 * Distributor zips (one per platform and architecture) with manifest.json, plus the control plane's Lambda
 * artefacts, all under dist/packages/. Prints progress on stderr and a size table (or --json) on stdout.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gitCommit } from '../agent/src/runtime/build-info.ts';
import { parseCommand, UsageError } from '../models/src/util/cli.ts';
import { REPO_ROOT } from './sea/bundle.ts';
import { ARCHES, type Arch, isArch } from './sea/elf.ts';
import { type BuildResult, buildPackages } from './ssm/build-packages.ts';

const USAGE = `Usage: node --import tsx packaging/build.ts [options]

Builds dist/packages/: vigil-agent single executables (Node SEA) for x64 and arm64, one Distributor zip per
platform and architecture, manifest.json (Distributor schema 2.0), and the Lambda artefacts (dist/packages/lambda).
Unchanged inputs reuse the previous zips.

Options:
  --arch A              x64 or arm64; repeat for both (default: both)
  --out DIR             output directory (default dist/packages)
  --cache DIR           base binaries and intermediate files (default dist/cache)
  --package-version V   Distributor package version (default: package.json version)
  --no-strip            keep the symbol tables in the Node binaries
  --no-lambda           do not build the Lambda artefacts
  --allow-skip          skip an architecture whose Node binary cannot be fetched from the npm registry
  --json                print the build summary as JSON
  -h, --help            show this help`;

export interface LambdaArtefact {
  name: string;
  path: string;
  bytes: number;
}

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: USAGE,
    options: {
      arch: { type: 'string', multiple: true },
      out: { type: 'string' },
      cache: { type: 'string' },
      'package-version': { type: 'string' },
      'no-strip': { type: 'boolean' },
      'no-lambda': { type: 'boolean' },
      'allow-skip': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  if (!parsed) return 0;
  const v = parsed.values;
  const arches = (v.arch ?? [...ARCHES]).map((a) => {
    if (!isArch(a)) throw new UsageError(`--arch must be x64 or arm64, got '${a.slice(0, 32)}'`);
    return a;
  });
  const outDir = path.resolve(v.out ?? path.join(REPO_ROOT, 'dist/packages'));
  const started = Date.now();
  const progress = (m: string) =>
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${m}\n`);
  const result = await buildPackages({
    arches: [...new Set<Arch>(arches)],
    outDir,
    cacheDir: path.resolve(v.cache ?? path.join(REPO_ROOT, 'dist/cache')),
    version: v['package-version'] ?? packageVersion(),
    commit: process.env.VIGIL_COMMIT || gitCommit(REPO_ROOT) || 'unknown',
    strip: !v['no-strip'],
    allowSkip: !!v['allow-skip'],
    progress,
  });
  const lambda = v['no-lambda'] ? { skipped: '--no-lambda' } : await buildLambda(path.join(outDir, 'lambda'), progress);
  const seconds = (Date.now() - started) / 1000;
  progress(`done in ${seconds.toFixed(1)} s`);
  if (v.json) process.stdout.write(`${JSON.stringify({ seconds, ...result, lambda }, null, 2)}\n`);
  else process.stdout.write(sizeTable(result, lambda));
  return 0;
}

function packageVersion(): string {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;
}

/** Builds the Lambda zips when packaging/lambda/build.ts is present (another part of the project writes it). */
async function buildLambda(
  outDir: string,
  progress: (m: string) => void,
): Promise<{ artefacts: LambdaArtefact[] } | { skipped: string }> {
  const file = path.join(REPO_ROOT, 'packaging/lambda/build.ts');
  if (!existsSync(file)) {
    progress('lambda: packaging/lambda/build.ts not present, skipped');
    return { skipped: 'packaging/lambda/build.ts not present' };
  }
  progress('lambda: building the Lambda artefacts');
  const mod = (await import(pathToFileURL(file).href)) as {
    buildLambdaArtefacts(outDir: string): Promise<LambdaArtefact[]>;
  };
  return { artefacts: await mod.buildLambdaArtefacts(outDir) };
}

const MiB = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

function sizeTable(r: BuildResult, lambda: { artefacts: LambdaArtefact[] } | { skipped: string }): string {
  const rows: [string, string, string][] = [];
  for (const a of r.arches) {
    const strip = a.binary.strip.stripped
      ? `stripped from ${MiB(a.binary.strip.bytesBefore)}`
      : `not stripped (${a.binary.strip.reason})`;
    rows.push([`vigil-agent ${a.arch} binary`, MiB(a.binary.bytes), `${strip}${a.cached ? ', cached' : ''}`]);
    const unpacked = a.staged.files.reduce((s, f) => s + f.bytes, 0);
    rows.push([`${a.arch} package unzipped`, MiB(unpacked), `${a.staged.files.length} files`]);
    for (const z of a.zips) rows.push([z.file, MiB(z.bytes), z.bytes <= 60 * 2 ** 20 ? '<= 60 MiB' : 'OVER 60 MiB']);
  }
  for (const s of r.skipped) rows.push([`${s.arch}`, '-', `skipped: ${s.reason}`]);
  if ('artefacts' in lambda) for (const l of lambda.artefacts) rows.push([`lambda ${l.name}`, MiB(l.bytes), l.path]);
  else rows.push(['lambda', '-', lambda.skipped]);
  rows.push(['manifest.json', '', r.manifestPath]);
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  return `${rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`).join('\n')}\n`;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: Error) => {
      process.stderr.write(`package: ${err instanceof UsageError ? err.message : (err.stack ?? err.message)}\n`);
      process.exitCode = err instanceof UsageError ? 2 : 1;
    },
  );
}
