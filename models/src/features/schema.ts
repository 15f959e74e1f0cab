import { createHash } from 'node:crypto';
import { FEATURE_DEFS } from './feature-defs.ts';

/** Bump when a feature's meaning changes, even if its name does not. */
export const FEATURE_VERSION = 3;

export interface FeatureSchema {
  version: number;
  names: string[];
  windowMs: number;
  rollingMs: number;
  hash: string;
}

/**
 * The schema a model bundle is trained against. The window length is part of it: a model trained on 5-minute counts
 * must not silently score 1-minute counts.
 */
export function featureSchema(windowMs: number, rollingMs: number): FeatureSchema {
  const names = FEATURE_DEFS.map((d) => d.name);
  const hash = createHash('sha256')
    .update(JSON.stringify({ version: FEATURE_VERSION, names, windowMs, rollingMs }))
    .digest('hex');
  return { version: FEATURE_VERSION, names, windowMs, rollingMs, hash };
}

export const FEATURE_COUNT = FEATURE_DEFS.length;
export const featureIndex = (name: string): number => FEATURE_DEFS.findIndex((d) => d.name === name);
