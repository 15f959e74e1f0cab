/** Test helper: a small, valid bundle archive (one JSON forecast model) built the way `vigil` packages one. */
import { gzipSync } from 'node:zlib';
import { sha256Hex } from '../../../models/src/onnx/bundle.ts';
import { writeTar } from '../../../models/src/util/tar.ts';

export interface TestBundleFile {
  name: string;
  data: Buffer;
}

export function bundleFiles(version: string, featureHash = 'fs-hash-0001'): TestBundleFile[] {
  const model = Buffer.from(JSON.stringify({ season: 24, level: 1.5, version }));
  const manifest = {
    manifestVersion: 1,
    bundleVersion: version,
    createdAt: '2025-03-01T00:00:00Z',
    featureSchema: { version: 1, hash: featureHash, names: ['auth.failed_count'] },
    models: [{ name: 'volume', kind: 'forecast', format: 'json', file: 'volume.json', sha256: sha256Hex(model) }],
    thresholds: { volume: 0.9 },
    labelSet: ['normal', 'anomaly'],
    trainingSeed: 7,
  };
  return [
    { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2)) },
    { name: 'volume.json', data: model },
  ];
}

export const tarGz = (files: TestBundleFile[]) => gzipSync(writeTar(files));
