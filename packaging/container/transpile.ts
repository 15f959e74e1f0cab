/**
 * Compiles the TypeScript sources the server runs into plain ESM JavaScript, file by file, keeping the tree layout.
 *
 * Why file by file and not one bundle: the code finds resources relative to its own file (the default model bundle
 * from `control-plane/src/detect/cloud-detector.ts`, WASM beside packages), so the runtime tree must keep the source
 * layout. Node 24's built-in type stripping cannot run these sources directly (they use parameter properties), and
 * shipping tsx would mean compiling on every start in production.
 *
 * What is compiled is the import graph of the entry points (static and literal dynamic imports), so a new module
 * anywhere is included and tests or browser code are not.
 *
 * Usage: tsx packaging/container/transpile.ts --src DIR --out DIR <entry file relative to src>...
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'esbuild';

/** The project's own .ts files reachable from `entries` (absolute paths); packages are not followed. */
export async function reachableSources(src: string, entries: string[]): Promise<string[]> {
  const result = await build({
    absWorkingDir: src,
    entryPoints: entries.map((e) => path.join(src, e)),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    outdir: path.join(src, '.graph'), // required with several entries; nothing is written
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs)
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => path.resolve(src, f))
    .sort();
}

/**
 * Keeps every import external (each file compiles on its own) and turns relative `./x.ts` specifiers into
 * `./x.js`, so the rewrite happens on esbuild's parsed imports, never on source text.
 */
const externalImports: Plugin = {
  name: 'external-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return null;
      const relative = args.path.startsWith('./') || args.path.startsWith('../');
      return { path: relative ? args.path.replace(/\.ts$/, '.js') : args.path, external: true };
    });
  },
};

/** Compiles the graph of `entries` (relative to `src`) into `out`, same relative paths; returns the file count. */
export async function transpile(src: string, out: string, entries: string[]): Promise<number> {
  const entryPoints = await reachableSources(src, entries);
  if (entryPoints.length === 0) throw new Error(`transpile: nothing reachable from ${entries.join(', ')} in ${src}`);
  await build({
    entryPoints,
    outbase: src,
    outdir: out,
    bundle: true, // required for plugins to see imports; every import is external, so nothing is inlined
    plugins: [externalImports],
    format: 'esm',
    platform: 'node',
    target: 'node24',
    sourcemap: false,
    logLevel: 'warning',
  });
  return entryPoints.length;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { src: { type: 'string' }, out: { type: 'string' } },
    allowPositionals: true,
  });
  if (!values.src || !values.out || positionals.length === 0) {
    throw new Error('usage: transpile.ts --src DIR --out DIR <entry.ts>...');
  }
  const n = await transpile(path.resolve(values.src), path.resolve(values.out), positionals);
  process.stderr.write(`transpile: ${n} files -> ${values.out}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
