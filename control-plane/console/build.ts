/**
 * Builds the fleet console: bundles and minifies control-plane/console/src into control-plane/console/dist.
 *
 *   npx tsx control-plane/console/build.ts            # build (about 100 ms)
 *   npx tsx control-plane/console/build.ts --check    # exit 1 if dist is missing or older than the sources
 *   npx tsx control-plane/console/build.ts --dev      # unminified, inline source map (debugging)
 *
 * Output: index.html plus content-hashed app-<hash>.js / app-<hash>.css (served immutable), and build.json naming
 * them with their sizes. The build goes to a temporary directory that replaces dist in one rename, so a server
 * never serves a half-written build.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export const CONSOLE_DIR = path.resolve(import.meta.dirname);
export const SRC_DIR = path.join(CONSOLE_DIR, 'src');
export const DIST_DIR = path.join(CONSOLE_DIR, 'dist');
export const BUILD_COMMAND = 'npx tsx control-plane/console/build.ts';

export interface BuildInfo {
  builtAt: number;
  js: string;
  css: string;
  bytes: { js: number; jsGzip: number; css: number; cssGzip: number };
}

async function newestSourceMtime(dir: string): Promise<number> {
  let newest = (await stat(path.join(CONSOLE_DIR, 'build.ts'))).mtimeMs;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await stat(path.join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** Why dist cannot be served as is ('missing' / 'stale'), or null when it is current. No sources = a shipped dist. */
export async function buildState(): Promise<'missing' | 'stale' | null> {
  const info = await readFile(path.join(DIST_DIR, 'build.json'), 'utf8').catch(() => null);
  if (info === null) return 'missing';
  const hasSources = await stat(SRC_DIR).then(
    () => true,
    () => false,
  );
  if (!hasSources) return null;
  const built = (await stat(path.join(DIST_DIR, 'build.json'))).mtimeMs;
  return (await newestSourceMtime(SRC_DIR)) > built ? 'stale' : null;
}

export async function buildConsole(opts: { outDir?: string; dev?: boolean } = {}): Promise<BuildInfo> {
  const outDir = opts.outDir ?? DIST_DIR;
  // esbuild is a dev dependency: imported only when building, so a production server serving a shipped dist never
  // needs it.
  const esbuild = await import('esbuild');
  const tmp = `${outDir}.tmp-${randomBytes(4).toString('hex')}`;
  await mkdir(tmp, { recursive: true });
  try {
    const result = await esbuild.build({
      entryPoints: { app: path.join(SRC_DIR, 'main.tsx') },
      bundle: true,
      minify: !opts.dev,
      sourcemap: opts.dev ? 'inline' : false,
      format: 'esm',
      target: ['es2022'],
      jsx: 'automatic',
      jsxImportSource: 'preact',
      entryNames: '[name]-[hash]',
      outdir: tmp,
      metafile: true,
      legalComments: 'none',
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
    });
    const outputs = Object.keys(result.metafile.outputs).map((f) => path.basename(f));
    const js = outputs.find((f) => f.endsWith('.js'));
    const css = outputs.find((f) => f.endsWith('.css'));
    if (!js || !css) throw new Error(`console build produced ${outputs.join(', ')}; expected one .js and one .css`);
    const template = await readFile(path.join(SRC_DIR, 'index.html'), 'utf8');
    await writeFile(path.join(tmp, 'index.html'), template.replace('%JS%', js).replace('%CSS%', css));
    const [jsBytes, cssBytes] = await Promise.all([readFile(path.join(tmp, js)), readFile(path.join(tmp, css))]);
    const info: BuildInfo = {
      builtAt: Date.now(),
      js,
      css,
      bytes: {
        js: jsBytes.length,
        jsGzip: gzipSync(jsBytes, { level: 9 }).length,
        css: cssBytes.length,
        cssGzip: gzipSync(cssBytes, { level: 9 }).length,
      },
    };
    await writeFile(path.join(tmp, 'build.json'), `${JSON.stringify(info, null, 2)}\n`);
    await rm(outDir, { recursive: true, force: true });
    try {
      await rename(tmp, outDir);
    } catch (err) {
      // Another process (a second replica or test worker) built the same sources into place first: keep theirs.
      if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      await rm(tmp, { recursive: true, force: true });
    }
    return info;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--check')) {
    const state = await buildState();
    process.stdout.write(state ? `console build is ${state}: run ${BUILD_COMMAND}\n` : 'console build is current\n');
    return state ? 1 : 0;
  }
  const t0 = performance.now();
  const info = await buildConsole({ dev: argv.includes('--dev') });
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  process.stdout.write(
    `built ${path.relative(process.cwd(), DIST_DIR)} in ${(performance.now() - t0).toFixed(0)} ms: ` +
      `${info.js} ${kb(info.bytes.js)} (${kb(info.bytes.jsGzip)} gzip), ` +
      `${info.css} ${kb(info.bytes.css)} (${kb(info.bytes.cssGzip)} gzip)\n`,
  );
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`console build failed: ${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
