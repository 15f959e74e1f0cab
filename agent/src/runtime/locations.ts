import path from 'node:path';
import { executableDir, isSingleExecutable } from './sea.ts';

/**
 * The model bundle that ships with this build: `<binary dir>/bundles/default` for the single executable (the
 * package installs /opt/vigil/vigil-agent beside /opt/vigil/bundles/default), the repository's committed bundle
 * when running from source.
 */
export function shippedBundleDir(): string {
  if (isSingleExecutable()) return path.join(executableDir(), 'bundles', 'default');
  return path.resolve(import.meta.dirname, '../../../models/bundles/default');
}
