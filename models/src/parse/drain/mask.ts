/** The wildcard Drain templates use (same as loghub's ground truth). */
export const WILDCARD = '<*>';

/**
 * Variable parts masked inside a token before it reaches the tree, most specific first. All patterns are linear
 * (no nested quantifiers), so hostile tokens cost O(length).
 */
const MASKS: RegExp[] = [
  // IPv4 with optional :port, IPv4-mapped IPv6
  /(?:::ffff:)?\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d{1,5})?\b/g,
  // IPv6 (at least two colons between hex groups)
  /\b[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7}\b/g,
  // user@host
  /\b[\w.-]+@[\w.-]+\b/g,
  // host names: dotted labels ending in a generic or two-letter country TLD
  /\b(?:[a-zA-Z0-9-]{1,63}\.)+(?:com|net|org|edu|gov|mil|int|info|biz|io|arpa|local|internal|[a-zA-Z]{2})\b/g,
  // 0x-prefixed and long hex (ids, hashes, MACs): at least one digit and 8+ hex chars
  /\b0x[0-9a-fA-F]+\b/g,
  /\b(?=[0-9a-fA-F:-]*\d)[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){3,}\b/g,
  /\b(?=[a-fA-F]*\d)[0-9a-fA-F]{8,}\b/g,
  // absolute paths
  /(?:^|(?<=[\s=:'"(]))\/[\w.@%+~-]+(?:\/[\w.@%+~-]*)+/g,
  // durations and sizes: 12ms, 3.5s, 512kB, 4G
  /\b\d+(?:\.\d+)?(?:ns|us|ms|s|m|h|[kKMGT]i?B?|bytes?)\b/g,
  // numbers with an optional sign, incl. decimals, versions and times (12:34:56, 1.2.3)
  /-?\b\d+(?:[.:,]\d+)*\b/g,
];

/** Tokens longer than this are variable data (base64, hashes, URLs) and also bound the regex work per token. */
const MAX_TOKEN = 128;

const GLUED = /[A-Za-z_]-?<\*>/;

function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/**
 * Mask one whitespace-separated token: replace every variable part with <*>. With `digitTokens`, a token that still
 * holds a digit after that (ids like `blk_38`, `rdd_2_0`, `eth0`) is a variable as a whole; in `key=value` tokens only
 * the value is.
 */
export function maskToken(token: string, digitTokens = true): string {
  const t = maskParts(token);
  // a number glued to a word (`blk_-38` -> `blk_<*>`) is an id like `blk_38`: the whole token varies
  if (!digitTokens || (!hasDigit(t) && !GLUED.test(t))) return t;
  const eq = t.indexOf('=');
  return eq > 0 && !hasDigit(t.slice(0, eq)) ? `${t.slice(0, eq + 1)}${WILDCARD}` : WILDCARD;
}

function maskParts(token: string): string {
  if (token.length > MAX_TOKEN) return WILDCARD;
  let t = token;
  for (const re of MASKS) {
    re.lastIndex = 0;
    if (re.test(t)) {
      re.lastIndex = 0;
      t = t.replace(re, WILDCARD);
    }
  }
  // "<*>.<*>" and friends say nothing more than "<*>", alone or as the value of key=value
  const eq = t.indexOf('=');
  if (eq > 0 && eq < t.length - 1) return `${t.slice(0, eq + 1)}${collapse(t.slice(eq + 1))}`;
  return collapse(t);
}

function collapse(t: string): string {
  return t !== WILDCARD && t.includes(WILDCARD) && /^(?:<\*>[.:,/-]?)+$/.test(t) ? WILDCARD : t;
}

/**
 * Dates spread over several tokens (`Fri Jul  1 07:57:30 2005`, `Jul 1 07:57:30`, ISO 8601): masked on the whole
 * message first, one wildcard per token, so weekday and month names do not split a template.
 */
const DATES: RegExp[] = [
  /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) +(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} +\d\d:\d\d:\d\d(?: +\d{4})?\b/g,
  /\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} +\d\d:\d\d:\d\d(?: +\d{4})?\b/g,
  /\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\b/g,
];

function maskDates(message: string): string {
  let m = message;
  for (const re of DATES) {
    re.lastIndex = 0;
    if (re.test(m)) {
      re.lastIndex = 0;
      m = m.replace(re, (d) =>
        d
          .split(/ +/)
          .map(() => WILDCARD)
          .join(' '),
      );
    }
  }
  return m;
}

/** Split on whitespace and mask each token; very long messages keep their first `maxTokens` tokens. */
export function tokenize(raw: string, maxTokens = 256, digitTokens = true): string[] {
  const message = raw.length > 65536 ? raw.slice(0, 65536) : maskDates(raw);
  const out: string[] = [];
  const n = message.length;
  let i = 0;
  while (i < n && out.length < maxTokens) {
    while (i < n && isSpace(message.charCodeAt(i))) i++;
    if (i >= n) break;
    let j = i;
    while (j < n && !isSpace(message.charCodeAt(j))) j++;
    out.push(maskToken(message.slice(i, j), digitTokens));
    i = j;
  }
  return out;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
