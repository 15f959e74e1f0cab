import { beforeAll, describe, expect, it } from 'vitest';
import { reachableNodes, truncateRounds } from './ensemble.ts';
import { predictMargin } from './evaluate.ts';
import { parseXGBoostModel, truncateModelBytes } from './model-format.ts';
import { syntheticBinary } from './test-data.ts';
import { trainXGBoost } from './train.ts';

const data = syntheticBinary(400, 5, 11);
let bytes: Uint8Array;

beforeAll(async () => {
  const params = { objective: 'binary:logistic', rounds: 8, max_depth: 3, gamma: 0.5, base_score: 0.2 };
  bytes = (await trainXGBoost({ X: data.X, y: data.y, nFeatures: 5, params })).modelBytes;
});

describe('parseXGBoostModel', () => {
  it('reads the learner header, trees, splits and covers', () => {
    const m = parseXGBoostModel(bytes);
    expect(m.objective).toBe('binary:logistic');
    expect(m.numFeature).toBe(5);
    expect(m.numGroup).toBe(1);
    expect(m.baseScore).toBeCloseTo(0.2, 6);
    expect(m.baseMargin).toBeCloseTo(Math.log(0.2 / 0.8), 5);
    expect(m.trees).toHaveLength(8);
    for (const tree of m.trees) {
      const nodes = reachableNodes(tree);
      const leaves = nodes.filter((n) => tree.left[n] === -1);
      expect(leaves.length).toBe(nodes.length - leaves.length + 1);
      for (const n of nodes) {
        if (tree.left[n] === -1) continue;
        // A split's cover is the sum of its children's covers (float32 rounding aside).
        expect(tree.cover[n]).toBeCloseTo(tree.cover[tree.left[n]] + tree.cover[tree.right[n]], 2);
      }
    }
    expect(m.trees[0].cover[0]).toBeGreaterThan(0);
  });

  it('accepts the optional "binf" header', () => {
    const withHeader = new Uint8Array(bytes.length + 4);
    withHeader.set(new TextEncoder().encode('binf'));
    withHeader.set(bytes, 4);
    expect(parseXGBoostModel(withHeader).trees).toHaveLength(8);
  });

  it('names the byte offset of truncated or padded files', () => {
    expect(() => parseXGBoostModel(bytes.subarray(0, 500))).toThrow(/byte \d+: tree 0: .*truncated/);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes);
    expect(() => parseXGBoostModel(padded)).toThrow(/3 unexpected trailing bytes/);
  });

  it('refuses an objective it cannot export', () => {
    const text = new TextDecoder('latin1').decode(bytes);
    const at = text.indexOf('binary:logistic');
    const changed = bytes.slice();
    changed.set(new TextEncoder().encode('binary:logitraw'), at);
    expect(() => parseXGBoostModel(changed)).toThrow(/objective 'binary:logitraw' is not supported/);
  });
});

describe('truncateModelBytes', () => {
  it('keeps the first rounds, byte-compatible with the parsed truncation', () => {
    const cut = parseXGBoostModel(truncateModelBytes(bytes, 3));
    const expected = truncateRounds(parseXGBoostModel(bytes), 3);
    expect(cut.trees).toHaveLength(3);
    expect(predictMargin(cut, data.X, data.nRows)).toEqual(predictMargin(expected, data.X, data.nRows));
    expect(() => truncateModelBytes(bytes, 9)).toThrow(RangeError);
  });
});
