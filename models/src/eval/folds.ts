/**
 * Time-ordered splits. Nothing here is random: every training window ends before every window it is judged on,
 * with a gap between them so that rolling features and slow incidents cannot straddle the boundary.
 */
export interface TimeSplit {
  name: string;
  train: [number, number];
  test: [number, number];
}

export interface SplitPlan {
  /** Expanding-window folds inside the development span, for tuning. */
  folds: TimeSplit[];
  /** Final fit: all development data before the validation span. */
  fit: [number, number];
  /** The later validation fold: early stopping and threshold choice. */
  validation: [number, number];
  /** Held out until the very end; never used for any choice. */
  test: [number, number];
}

const DAY = 86_400_000;

/**
 * Plans an evaluation over [start, end): the last `testFraction` is the held-out test, the `valFraction` before it the
 * validation fold, and the development span before the test is cut into `nFolds` expanding folds.
 */
export function planSplits(
  start: number,
  end: number,
  opts: { nFolds?: number; testFraction?: number; valFraction?: number; gapMs?: number } = {},
): SplitPlan {
  const { nFolds = 4, testFraction = 0.2, valFraction = 0.15, gapMs = DAY } = opts;
  const span = end - start;
  const testStart = end - Math.round(span * testFraction);
  const valStart = testStart - Math.round(span * valFraction);
  const devSpan = testStart - start;
  // The first fold trains on the first half of the development span; each later fold adds one slice.
  const slice = devSpan / 2 / nFolds;
  const folds: TimeSplit[] = [];
  for (let k = 0; k < nFolds; k++) {
    const trainEnd = start + devSpan / 2 + k * slice;
    folds.push({
      name: `fold${k + 1}`,
      train: [start, Math.round(trainEnd)],
      test: [Math.round(trainEnd + gapMs), Math.round(trainEnd + slice)],
    });
  }
  return {
    folds,
    fit: [start, valStart - gapMs],
    validation: [valStart, testStart - gapMs],
    test: [testStart, end],
  };
}

export function inSpan(t: number, span: [number, number]): boolean {
  return t >= span[0] && t < span[1];
}
