/**
 * Lambda artefacts for the control plane: one zip per function, an esbuild bundle plus what cannot be bundled.
 *
 * - Runtime `nodejs24.x` (x86_64, GA in Lambda since November 2025, supported to April 2028): the project's pinned
 *   Node major, so the functions run on the Node the tests ran. The syntax target is node22 so the same zips also
 *   run on `nodejs22.x`, the Terraform fallback for AWS providers older than 6.19.
 * - Both functions score with ONNX Runtime (the subscription handler's CloudDetector; the API's /v1/score), so
 *   both ship onnxruntime-node with only its linux-x64 binding (~46 MB unzipped) and the model bundle. One copy
 *   per function keeps each zip self-contained; a shared layer would save storage, not cold-start time.
 * - The zip keeps the source layout for what the code finds relative to its own file: the handler lives at
 *   `control-plane/src/lambda/<fn>.mjs`, so the default model bundle resolves to `models/bundles/default`.
 * - The API function has no embedded PGlite (a per-container database would lose data silently): it needs
 *   DATABASE_URL, and says so if it is missing.
 *
 * `npx tsx packaging/lambda/build.ts [OUT_DIR]` writes the zips (default dist/packages/lambda).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { copyPackages } from './node-deps.ts';
import { zipDirectory } from './zip.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const LAMBDA_RUNTIME = 'nodejs24.x';
export const LAMBDA_ARCH = 'x86_64';
/** AWS limits for a zip deployment package (direct upload or from S3). */
export const LAMBDA_MAX_ZIPPED_BYTES = 50 * 1024 * 1024;
export const LAMBDA_MAX_UNZIPPED_BYTES = 250 * 1024 * 1024;

export interface LambdaFunctionSpec {
  name: string;
  /** Source file exporting `handler`, relative to the repository root. */
  source: string;
  /** Packages shipped as node_modules instead of bundled (native code, or reads its own files). */
  external: string[];
}

export const LAMBDA_FUNCTIONS: readonly LambdaFunctionSpec[] = [
  {
    name: 'vigil-logs-subscription',
    source: 'control-plane/src/lambda/subscription.ts',
    external: ['onnxruntime-node'],
  },
  {
    name: 'vigil-api',
    source: 'control-plane/src/lambda/api.ts',
    external: ['onnxruntime-node', '@fastify/swagger-ui'],
  },
];

/** `control-plane/src/lambda/api.ts` → handler `control-plane/src/lambda/api.handler`. */
export const handlerOf = (spec: LambdaFunctionSpec) => `${spec.source.replace(/\.ts$/, '')}.handler`;

/** Bundled CommonJS code calls require() and reads __dirname; an ESM bundle has neither unless given them. */
const ESM_SHIMS = [
  "import { createRequire as __vigilRequire } from 'node:module';",
  "import { fileURLToPath as __vigilPath } from 'node:url';",
  'const require = __vigilRequire(import.meta.url);',
  'const __filename = __vigilPath(import.meta.url);',
  "const __dirname = __vigilPath(new URL('.', import.meta.url));",
].join('\n');

/** Replaces the embedded PGlite store (WASM plus data files) with an explicit refusal. */
const noPglite: Plugin = {
  name: 'no-pglite',
  setup(b) {
    b.onResolve({ filter: /\/pglite\.ts$/ }, (args) =>
      args.importer.includes(`${path.sep}control-plane${path.sep}src${path.sep}`)
        ? { path: 'pglite', namespace: 'vigil-lambda' }
        : null,
    );
    b.onLoad({ filter: /.*/, namespace: 'vigil-lambda' }, () => ({
      loader: 'js',
      contents: `const refuse = async () => {
  throw new Error('the embedded PGlite store is not packaged for Lambda: set DATABASE_URL to the PostgreSQL (RDS/Aurora) database');
};
export const openPglite = refuse;
export const dumpPglite = refuse;`,
    }));
  },
};

/** Only the linux-x64 binding of onnxruntime-node ships; the package holds every platform's (~290 MB). */
function onlyLinuxX64(pkg: string, rel: string): boolean {
  if (pkg !== 'onnxruntime-node' || !rel.startsWith('bin/')) return true;
  const parts = rel.split('/'); // bin/napi-v6/<platform>/<arch>/...
  return (parts.length < 3 || parts[2] === 'linux') && (parts.length < 4 || parts[3] === 'x64');
}

async function stage(spec: LambdaFunctionSpec, dir: string): Promise<void> {
  await build({
    entryPoints: [path.join(ROOT, spec.source)],
    outfile: path.join(dir, spec.source.replace(/\.ts$/, '.mjs')),
    bundle: true,
    platform: 'node',
    target: 'node22', // syntax both runtimes run (lambda_runtime may be nodejs22.x with an older AWS provider)
    format: 'esm',
    // pg-native is pg's optional native client, loaded only when asked for; we never ask.
    external: [...spec.external, 'pg-native'],
    plugins: [noPglite],
    banner: { js: ESM_SHIMS },
    // Not minified: readable stack traces in CloudWatch are worth more than a few MB beside the ORT binding.
    legalComments: 'linked',
    logLevel: 'warning',
  });
  cpSync(path.join(ROOT, 'models/bundles/default'), path.join(dir, 'models/bundles/default'), { recursive: true });
  copyPackages(ROOT, spec.external, dir, onlyLinuxX64);
}

/**
 * Builds one zip per Lambda function into `outDir` (`<name>.zip`). Throws when a zip exceeds Lambda's limits
 * (50 MB zipped, 250 MB unzipped), so an oversize artefact never reaches a deploy.
 */
export async function buildLambdaArtefacts(outDir: string): Promise<{ name: string; path: string; bytes: number }[]> {
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(path.join(path.resolve(outDir), '.staging-'));
  try {
    const out: { name: string; path: string; bytes: number }[] = [];
    for (const spec of LAMBDA_FUNCTIONS) {
      const dir = path.join(work, spec.name);
      await stage(spec, dir);
      const file = path.join(path.resolve(outDir), `${spec.name}.zip`);
      const z = await zipDirectory(dir, file);
      if (z.bytes > LAMBDA_MAX_ZIPPED_BYTES || z.unzippedBytes > LAMBDA_MAX_UNZIPPED_BYTES) {
        throw new Error(
          `${spec.name}: ${z.bytes} bytes zipped / ${z.unzippedBytes} unzipped exceeds Lambda's 50 MB / 250 MB limits`,
        );
      }
      out.push({ name: spec.name, path: file, bytes: z.bytes });
    }
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist/packages/lambda'));
  for (const a of await buildLambdaArtefacts(outDir)) {
    process.stdout.write(`${a.name}\t${(a.bytes / 1024 / 1024).toFixed(1)} MiB\t${a.path}\n`);
  }
}
