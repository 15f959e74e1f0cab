import { AwsError } from '../core/errors.ts';
import type { DocParameter } from './state.ts';

export interface ParsedContent {
  schemaVersion?: string;
  description?: string;
  parameters: DocParameter[];
  plugins: string[];
  /** Package documents only: the manifest's version and the files it names (file → sha256). */
  manifest?: { version: string; files: Map<string, string> };
}

function bad(message: string): never {
  throw new AwsError('InvalidDocumentContent', message);
}

function parseJsonObject(content: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (err) {
    bad(`Document content is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) bad('Document content must be a JSON object');
  return doc as Record<string, unknown>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readParameters(doc: Record<string, unknown>): DocParameter[] {
  if (doc.parameters === undefined) return [];
  if (!isObject(doc.parameters)) bad("'parameters' must be an object");
  return Object.entries(doc.parameters).map(([name, spec]) => {
    if (!/^[A-Za-z0-9_]{1,128}$/.test(name)) bad(`parameter name '${name.slice(0, 64)}' must be letters, digits or _`);
    if (!isObject(spec) || typeof spec.type !== 'string') bad(`parameter '${name}' needs a string 'type'`);
    const dflt = spec.default;
    return {
      name,
      type: spec.type,
      description: typeof spec.description === 'string' ? spec.description : undefined,
      defaultValue: dflt === undefined ? undefined : typeof dflt === 'string' ? dflt : JSON.stringify(dflt),
      allowedValues: Array.isArray(spec.allowedValues) ? spec.allowedValues.map(String) : undefined,
    };
  });
}

/** Command documents: schema 1.2 (`runtimeConfig`) or 2.2 (`mainSteps`), JSON only. */
export function parseCommandDocument(content: string, format: string): ParsedContent {
  // YAML/TEXT content is stored as given; its parameters are not known, so SendCommand cannot check them.
  if (format !== 'JSON') return { parameters: [], plugins: [] };
  const doc = parseJsonObject(content);
  const schemaVersion = doc.schemaVersion;
  if (schemaVersion !== '1.2' && schemaVersion !== '2.2') {
    throw new AwsError(
      'InvalidDocumentSchemaVersion',
      `Command documents need schemaVersion 1.2 or 2.2, got ${JSON.stringify(schemaVersion)}`,
    );
  }
  let plugins: string[];
  if (schemaVersion === '2.2') {
    if (!Array.isArray(doc.mainSteps) || doc.mainSteps.length === 0)
      bad("schemaVersion 2.2 needs a non-empty 'mainSteps' list");
    plugins = doc.mainSteps.map((step, i) => {
      if (!isObject(step) || typeof step.action !== 'string' || typeof step.name !== 'string') {
        bad(`mainSteps[${i}] needs string 'action' and 'name'`);
      }
      return step.name;
    });
  } else {
    if (!isObject(doc.runtimeConfig) || Object.keys(doc.runtimeConfig).length === 0)
      bad("schemaVersion 1.2 needs 'runtimeConfig'");
    plugins = Object.keys(doc.runtimeConfig);
  }
  const description = typeof doc.description === 'string' ? doc.description : undefined;
  return { schemaVersion, description, parameters: readParameters(doc), plugins };
}

const VERSION = /^[A-Za-z0-9_\-.]{1,128}$/;

/**
 * A Distributor package manifest: `{ schemaVersion: "2.0", version, packages: {platform: {platformVersion:
 * {arch: {file}}}}, files: {name: {checksums: {sha256}}} }`. Every file a package names must be listed with a
 * SHA-256 checksum, as Distributor requires.
 */
export function parsePackageManifest(content: string, format: string): ParsedContent {
  if (format !== 'JSON') bad('Package documents must use DocumentFormat JSON');
  const doc = parseJsonObject(content);
  if (doc.schemaVersion !== '2.0')
    throw new AwsError('InvalidDocumentSchemaVersion', 'Package manifests need schemaVersion "2.0"');
  if (typeof doc.version !== 'string' || !VERSION.test(doc.version))
    bad("manifest 'version' must match [A-Za-z0-9_.-]{1,128}");
  if (!isObject(doc.files) || Object.keys(doc.files).length === 0) bad("manifest 'files' must list at least one file");
  const files = new Map<string, string>();
  for (const [name, spec] of Object.entries(doc.files)) {
    const sha = isObject(spec) && isObject(spec.checksums) ? spec.checksums.sha256 : undefined;
    if (typeof sha !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha))
      bad(`manifest file '${name}' needs checksums.sha256 (64 hex digits)`);
    files.set(name, sha.toLowerCase());
  }
  if (!isObject(doc.packages) || Object.keys(doc.packages).length === 0)
    bad("manifest 'packages' must name at least one platform");
  for (const [platform, versions] of Object.entries(doc.packages)) {
    if (!isObject(versions)) bad(`packages.${platform} must be an object`);
    for (const [pv, arches] of Object.entries(versions)) {
      if (!isObject(arches)) bad(`packages.${platform}.${pv} must be an object`);
      for (const [arch, entry] of Object.entries(arches)) {
        const file = isObject(entry) ? entry.file : undefined;
        if (typeof file !== 'string' || !files.has(file)) {
          bad(`packages.${platform}.${pv}.${arch}.file must name a file listed in 'files'`);
        }
      }
    }
  }
  return { schemaVersion: '2.0', parameters: [], plugins: [], manifest: { version: doc.version, files } };
}
