import { type Static, Type } from '@sinclair/typebox';
import { compileValidator, ValidationError } from '../schema/validate.ts';

/*
 * manifest.json of a model bundle. A bundle is a directory: this manifest plus the files it names, each
 * pinned by sha256. Models are described generically (kind = what it is, format = how to load it), so a
 * bundle can hold XGBoost classifiers, autoencoders, LSTMs and forecasters side by side, and the loader
 * loads whatever it finds.
 */

export const MANIFEST_FILE = 'manifest.json';

/** A plain file name inside the bundle directory: no separators, no leading dot, so never a path escape. */
const FileName = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' });
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const ModelKind = Type.Union([
  Type.Literal('xgboost'),
  Type.Literal('autoencoder'),
  Type.Literal('lstm'),
  Type.Literal('forecast'),
  Type.Literal('fusion'),
]);
/**
 * What the row scorer does with a model. Optional: bundles written before roles existed (1.0.0) are read by the
 * older inference (the named or first row classifier decides, a multi-label row model types). A `fusion` model is a
 * json document combining the detector and contributors into the row's score (./fusion.ts); `reference` models are
 * carried but never scored on the hot path (e.g. per-series forecasts the control plane runs).
 */
export const ModelRoleSchema = Type.Union([
  Type.Literal('detector'),
  Type.Literal('typer'),
  Type.Literal('contributor'),
  Type.Literal('fusion'),
  Type.Literal('reference'),
]);
/** onnx → an ONNX Runtime session; json → a parsed JSON document (e.g. forecast parameters). */
export const ModelFormat = Type.Union([Type.Literal('onnx'), Type.Literal('json')]);

export const ModelEntrySchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{0,63}$' }),
    kind: ModelKind,
    format: ModelFormat,
    role: Type.Optional(ModelRoleSchema),
    file: FileName,
    sha256: Sha256,
    /** onnx: the input fed with rows, its per-row dims ([F] or [T, F]) and the output to return. */
    inputName: Type.Optional(Type.String({ minLength: 1 })),
    inputDims: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 4 })),
    outputName: Type.Optional(Type.String({ minLength: 1 })),
    /** When set, score() returns this column of a [N, C] output, one value per row (1 = P(anomaly)). */
    outputColumn: Type.Optional(Type.Integer({ minimum: 0 })),
    threshold: Type.Optional(Type.Number()),
    /** The entity the model scores (host, user, ip, service...). */
    entity: Type.Optional(Type.String({ minLength: 1 })),
    labels: Type.Optional(Type.Array(Type.String())),
    /** A companion artefact for explanations; xgboost-binary = XGBoost's model file, for TreeSHAP. */
    explainer: Type.Optional(
      Type.Object(
        { format: Type.Literal('xgboost-binary'), file: FileName, sha256: Sha256 },
        { additionalProperties: false },
      ),
    ),
    metrics: Type.Optional(Type.Record(Type.String(), Type.Number())),
  },
  { additionalProperties: false },
);

export const BundleManifestSchema = Type.Object(
  {
    manifestVersion: Type.Literal(1),
    bundleVersion: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.-]+)?$' }),
    createdAt: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?Z$' }),
    featureSchema: Type.Object(
      {
        version: Type.Union([Type.String({ minLength: 1 }), Type.Integer({ minimum: 0 })]),
        hash: Type.String({ pattern: '^[A-Za-z0-9:_-]{8,200}$' }),
        names: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
      },
      { additionalProperties: false },
    ),
    models: Type.Array(ModelEntrySchema, { minItems: 1 }),
    thresholds: Type.Record(Type.String(), Type.Number()),
    labelSet: Type.Array(Type.String()),
    trainingSeed: Type.Integer(),
  },
  { additionalProperties: false },
);

export type ModelEntry = Static<typeof ModelEntrySchema>;
export type ModelRoleName = Static<typeof ModelRoleSchema>;
export type BundleManifest = Static<typeof BundleManifestSchema>;

const checkShape = compileValidator(BundleManifestSchema);

/** Schema check plus the rules a schema cannot say: unique names/files, onnx fields present and consistent. */
export function validateManifest(value: unknown, where: string): BundleManifest {
  const m = checkShape(value, where);
  const problems: { path: string; message: string }[] = [];
  const names = new Set<string>();
  const files = new Set<string>([MANIFEST_FILE]);
  m.models.forEach((entry, i) => {
    const at = `models.${i}`;
    if (names.has(entry.name)) problems.push({ path: `${at}.name`, message: `duplicate model name '${entry.name}'` });
    names.add(entry.name);
    for (const [key, file] of [
      ['file', entry.file],
      ['explainer.file', entry.explainer?.file],
    ] as const) {
      if (file === undefined) continue;
      if (files.has(file)) problems.push({ path: `${at}.${key}`, message: `file '${file}' is used twice` });
      files.add(file);
    }
    if (entry.format === 'onnx') {
      for (const key of ['inputName', 'inputDims', 'outputName'] as const) {
        if (entry[key] === undefined) problems.push({ path: `${at}.${key}`, message: 'required for onnx models' });
      }
    }
    if (entry.role === 'fusion' && (entry.kind !== 'fusion' || entry.format !== 'json')) {
      problems.push({ path: `${at}.role`, message: 'a fusion model must be kind fusion, format json' });
    }
    const width = entry.inputDims?.at(-1);
    if (
      (entry.kind === 'xgboost' || entry.kind === 'autoencoder') &&
      width !== undefined &&
      width !== m.featureSchema.names.length
    ) {
      problems.push({
        path: `${at}.inputDims`,
        message: `${width} inputs but featureSchema has ${m.featureSchema.names.length} names`,
      });
    }
  });
  for (const role of ['detector', 'typer', 'fusion'] as const) {
    const holders = m.models.filter((e) => e.role === role).map((e) => e.name);
    if (holders.length > 1) problems.push({ path: 'models', message: `${holders.length} models claim role ${role}` });
  }
  if (problems.length > 0) throw new ValidationError(where, problems);
  return m;
}
