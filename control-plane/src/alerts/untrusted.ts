/**
 * Neutralises a value that came from a log line (hostname, user name, principal, executable, IP) before it is put
 * into alert text that people read in Slack, e-mail (SNS) or the console. Destinations escape their own markup
 * (slackEscape for &, <, >); this removes what no destination escapes:
 * - control characters and line/paragraph separators, so a value cannot start a fake line of the alert;
 * - bidirectional overrides and zero-width characters, so the text reads as it is ("Trojan Source" tricks);
 * - backticks and mention triggers (@here, @channel, @everyone), so a value cannot close a code span or page a room;
 * - URL schemes are defanged (hxxp://), so a planted link is not clickable;
 * and bounds the length (in code points), marking a cut with an ellipsis.
 */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const MENTION = /@(?=(?:here|channel|everyone)\b)/gi;
const SCHEME = /\b(h)(tt)(ps?):\/\//gi;

export function untrusted(value: unknown, max = 120): string {
  const s = typeof value === 'string' ? value : String(value ?? '');
  const clean = s
    .slice(0, max * 4) // bound the work on hostile input before any regex runs
    .replace(INVISIBLE, ' ')
    .replaceAll('`', "'")
    .replace(MENTION, '@\u2009')
    .replace(SCHEME, (_m, h: string, _tt: string, ps: string) => `${h}xx${ps}://`)
    .replace(/ {2,}/g, ' ')
    .trim();
  const points = Array.from(clean);
  return points.length > max ? `${points.slice(0, max - 1).join('')}…` : clean || '?';
}

/** A list of untrusted values: at most `maxItems` shown, each bounded, the rest counted ("+3 more"). */
export function untrustedList(values: readonly unknown[], maxItems = 5, maxEach = 64): string {
  const shown = values.slice(0, maxItems).map((v) => untrusted(v, maxEach));
  const more = values.length - shown.length;
  return more > 0 ? `${shown.join(', ')} (+${more} more)` : shown.join(', ');
}
