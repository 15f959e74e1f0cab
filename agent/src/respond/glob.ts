/**
 * Shell-style name matching for config patterns: `*` any run, `?` one character, `[0-9]`/`[abc]` one character of a
 * set. No regex is built from config, and the greedy-star algorithm with one backtrack point runs in O(n*m) at worst,
 * so a hostile process name cannot make matching blow up.
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starT = t;
      continue;
    }
    const width = p < pattern.length ? matchOne(pattern, p, text[t]) : 0;
    if (width > 0) {
      p += width;
      t++;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Length of the pattern token at p when it matches ch, else 0. */
function matchOne(pattern: string, p: number, ch: string): number {
  const c = pattern[p];
  if (c === '?') return 1;
  if (c !== '[') return c === ch ? 1 : 0;
  const close = pattern.indexOf(']', p + 2);
  if (close < 0) return ch === '[' ? 1 : 0;
  for (let i = p + 1; i < close; i++) {
    if (pattern[i + 1] === '-' && i + 2 < close) {
      if (ch >= pattern[i] && ch <= pattern[i + 2]) return close - p + 1;
      i += 2;
    } else if (pattern[i] === ch) {
      return close - p + 1;
    }
  }
  return 0;
}

export const anyGlob = (patterns: readonly string[], text: string) => patterns.some((p) => globMatch(p, text));
