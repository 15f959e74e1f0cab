import { attr } from '../graph.ts';
import { CAST, type GraphBuilder } from './graph-builder.ts';
import type { ScalerParams } from './types.ts';

/** Refuse scaler parameters that would build a graph computing something else than the trainer did. */
export function checkScaler(s: ScalerParams): void {
  const F = s.nFeatures;
  const where = 'scaler parameters';
  if (!Number.isInteger(F) || F < 1) throw new RangeError(`${where}: nFeatures ${F} must be a positive integer`);
  for (const key of ['center', 'scale'] as const) {
    if (s[key].length !== F) throw new RangeError(`${where}: ${key} has ${s[key].length} values for ${F} features`);
    const bad = s[key].findIndex((v) => !Number.isFinite(v) || (key === 'scale' && v <= 0));
    if (bad >= 0) throw new RangeError(`${where}: ${key}[${bad}] = ${s[key][bad]} is not a usable value`);
  }
  if (!(s.clip > 0)) throw new RangeError(`${where}: clip ${s.clip} must be > 0`);
  for (const key of ['linear', 'indicators'] as const) {
    const bad = s[key].find((j) => !Number.isInteger(j) || j < 0 || j >= F);
    if (bad !== undefined) throw new RangeError(`${where}: ${key} names feature ${bad}, outside 0..${F - 1}`);
  }
  if (s.featureNames && s.featureNames.length !== F) {
    throw new RangeError(`${where}: ${s.featureNames.length} feature names for ${F} features`);
  }
}

/**
 * Raw features [..., F] → scaled network input [..., D] (see ScalerParams). Works on any rank, the feature axis
 * last, so the same nodes serve [N, F] rows and [N, T, F] sequences.
 */
export function scalerNodes(g: GraphBuilder, x: string, s: ScalerParams): string {
  checkScaler(s);
  const F = s.nFeatures;
  const isNan = g.op('IsNaN', [x]);
  const logAbs = g.op('Log', [g.op('Add', [g.op('Abs', [x]), g.scalar(1)])]);
  let t = g.op('Mul', [g.op('Sign', [x]), logAbs]);
  if (s.linear.length > 0) {
    const mask = new Uint8Array(F);
    for (const j of s.linear) mask[j] = 1;
    t = g.op('Where', [g.init('linear_mask', 'bool', [F], mask), x, t]);
  }
  const z = g.op('Div', [g.op('Sub', [t, g.f32('center', [F], s.center)]), g.f32('scale', [F], s.scale)]);
  const clipped = g.op('Clip', [z, g.scalar(-s.clip), g.scalar(s.clip)]);
  const scaled = g.op('Where', [isNan, g.scalar(0), clipped]);
  if (s.indicators.length === 0) return scaled;
  const nanF = g.op('Cast', [isNan], { to: attr.int(CAST.float) });
  const idx = g.init('indicator_idx', 'int64', [s.indicators.length], BigInt64Array.from(s.indicators.map(BigInt)));
  const ind = g.op('Gather', [nanF, idx], { axis: attr.int(-1) });
  return g.op('Concat', [scaled, ind], { axis: attr.int(-1) });
}
