/**
 * Grouping accuracy (Zhu et al., "Tools and Benchmarks for Automated Log Parsing", ICSE-SEIP 2019): a message is
 * parsed correctly iff the set of messages in its predicted group equals the set in its ground-truth group. GA is the
 * share of messages parsed correctly.
 */
export function groupingAccuracy(predicted: readonly (string | number)[], truth: readonly string[]): number {
  if (predicted.length !== truth.length) {
    throw new Error(`groupingAccuracy: ${predicted.length} predictions for ${truth.length} messages`);
  }
  if (truth.length === 0) return 1;
  const truthSize = new Map<string, number>();
  for (const t of truth) truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
  // per predicted group: its size and the single truth label it holds (or null once it holds two)
  const groups = new Map<string | number, { size: number; label: string | null }>();
  predicted.forEach((p, i) => {
    const g = groups.get(p);
    if (g === undefined) groups.set(p, { size: 1, label: truth[i] });
    else {
      g.size++;
      if (g.label !== truth[i]) g.label = null;
    }
  });
  let correct = 0;
  for (const g of groups.values()) {
    if (g.label !== null && truthSize.get(g.label) === g.size) correct += g.size;
  }
  return correct / truth.length;
}
