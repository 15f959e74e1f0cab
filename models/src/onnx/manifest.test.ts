import { describe, expect, it } from 'vitest';
import { validateManifest } from './manifest.ts';

const sha = 'a'.repeat(64);
const io = { inputName: 'input', inputDims: [2], outputName: 'probabilities' };
/** The shape of a 1.0.0 manifest: no roles, detector + typer. */
const v100: Record<string, unknown> & { models: Record<string, unknown>[] } = {
  manifestVersion: 1,
  bundleVersion: '1.0.0',
  createdAt: '2026-01-01T00:00:00.000Z',
  featureSchema: { version: 3, hash: 'ad3081838837016161ab', names: ['a', 'b'] },
  models: [
    {
      name: 'detector',
      kind: 'xgboost',
      format: 'onnx',
      file: 'detector.onnx',
      ...io,
      outputColumn: 1,
      threshold: 0.2,
      sha256: sha,
    },
    { name: 'typer', kind: 'xgboost', format: 'onnx', file: 'typer.onnx', ...io, labels: ['x', 'y'], sha256: sha },
  ],
  thresholds: { detector: 0.2 },
  labelSet: ['x', 'y'],
  trainingSeed: 42,
};

describe('bundle manifest', () => {
  it('still reads 1.0.0 manifests (no roles)', () => {
    expect(validateManifest(v100, 'v1.0.0').models.map((m) => m.role)).toEqual([undefined, undefined]);
  });

  it('reads roles and a fusion document entry', () => {
    const m = structuredClone(v100);
    m.models[0].role = 'detector';
    m.models.push({ name: 'fusion', kind: 'fusion', format: 'json', role: 'fusion', file: 'fusion.json', sha256: sha });
    expect(validateManifest(m, 'v1.1.0').models.map((x) => x.role)).toEqual(['detector', undefined, 'fusion']);
  });

  it('names a role held twice, a fusion that is not a json document and an autoencoder of the wrong width', () => {
    const m = structuredClone(v100);
    m.models[0].role = 'detector';
    m.models[1].role = 'detector';
    expect(() => validateManifest(m, 'twice')).toThrow(/2 models claim role detector/);
    m.models[1].role = 'fusion';
    expect(() => validateManifest(m, 'fusion')).toThrow(/models\.1\.role/);
    m.models[1] = {
      name: 'ae',
      kind: 'autoencoder',
      format: 'onnx',
      file: 'ae.onnx',
      ...io,
      inputDims: [3],
      outputName: 'score',
      sha256: sha,
    };
    expect(() => validateManifest(m, 'width')).toThrow(/models\.1\.inputDims/);
  });
});
