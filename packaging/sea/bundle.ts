import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRY = path.join(import.meta.dirname, 'entry.ts');
const ORT_RESOLVER = path.join(REPO_ROOT, 'agent/src/runtime/ort-binding.ts');
/** The one computed require in onnxruntime-node that a bundle cannot follow (dist/binding.js, 1.30). */
const ORT_NATIVE_REQUIRE =
  /require\(`\.\.\/bin\/napi-v6\/\$\{process\.platform\}\/\$\{process\.arch\}\/onnxruntime_binding\.node`\)/g;

export interface BundleResult {
  file: string;
  bytes: number;
  /** Bundled bytes per package ('(vigil)' for the repository's own sources), largest first. */
  inputs: { name: string; bytes: number }[];
}

/**
 * Rewrites onnxruntime-node's native require to agent/src/runtime/ort-binding.ts, which loads the binding from
 * beside the executable. Fails the build when the pattern is not found exactly once, so an onnxruntime-node upgrade
 * that moves the require cannot produce a binary that breaks at the first model load.
 */
export const ortBindingPlugin: Plugin = {
  name: 'vigil-ort-binding',
  setup(b) {
    b.onLoad({ filter: /[\\/]onnxruntime-node[\\/]dist[\\/]binding\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const matches = source.match(ORT_NATIVE_REQUIRE)?.length ?? 0;
      if (matches !== 1) {
        return { errors: [{ text: `expected one native binding require in ${args.path}, found ${matches}` }] };
      }
      const call = `require(${JSON.stringify(ORT_RESOLVER)}).loadOrtBinding()`;
      return { contents: source.replace(ORT_NATIVE_REQUIRE, call), loader: 'js' };
    });
  },
};

/** Bundles the vigil-agent CLI into one CommonJS file for the SEA blob; `commit` is baked into --version. */
export async function bundleAgent(outFile: string, commit: string): Promise<BundleResult> {
  const result = await build({
    entryPoints: [ENTRY],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    // Identifiers too: V8 parses the whole script at every start of the single executable, so bytes are time.
    // Nothing in the agent reads a function or class name (errors name themselves with `name = '...'`).
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
    plugins: [ortBindingPlugin],
    // In a SEA the main script's __filename is the executable; import.meta has no meaning in a CommonJS bundle.
    banner: { js: 'var __vigil_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
    define: {
      VIGIL_BUILD_COMMIT: JSON.stringify(commit),
      'import.meta.url': '__vigil_import_meta_url',
      'import.meta.dirname': '__dirname',
      'import.meta.filename': '__filename',
    },
  });
  if (result.warnings.length > 0) {
    throw new Error(`esbuild warnings:\n${result.warnings.map((w) => w.text).join('\n')}`);
  }
  const output = Object.values(result.metafile.outputs)[0];
  return { file: outFile, bytes: output.bytes, inputs: inputsByPackage(output.inputs) };
}

function inputsByPackage(inputs: Record<string, { bytesInOutput: number }>): BundleResult['inputs'] {
  const sums = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const name = m ? m[1] : '(vigil)';
    sums.set(name, (sums.get(name) ?? 0) + bytesInOutput);
  }
  return [...sums].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}
