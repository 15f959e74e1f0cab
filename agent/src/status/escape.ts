/*
 * Log content is attacker-controlled and ends up on an operator's terminal (status, actions list, replay). JSON.stringify
 * escapes C0 controls but leaves DEL, the C1 range (0x9b is a one-byte CSI on some terminals), the line separators
 * and the bidi overrides that can reorder what a reader sees. These helpers escape all of them.
 */

const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_IN_TEXT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const hex4 = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** JSON text that is still valid JSON but carries no raw control or bidi characters. */
export function safeJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(UNSAFE_IN_JSON, hex4);
}

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/** One line of human text: control characters shown as escapes, cut to max characters. */
export function printable(value: unknown, max = 200): string {
  const s = String(value ?? '');
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return cut.replace(UNSAFE_IN_TEXT, (c) => NAMED[c] ?? hex4(c));
}
