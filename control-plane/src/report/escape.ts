/**
 * Escaping for text that came from logs (hostnames, usernames, evidence): an attacker writes those, so in HTML/SVG
 * they must never become markup and in Markdown never become links, emphasis, tables or raw HTML.
 */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values in HTML and SVG. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML[c]);

/**
 * Markdown text, including table cells: every ASCII punctuation character Markdown could act on is
 * backslash-escaped, `<`/`>`/`&` become entities (no raw HTML, no autolinks), and line breaks become spaces so a
 * value cannot start a new block or table row. Control characters are dropped.
 */
export function escapeMarkdown(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '&') out += '&amp;';
    else if (ch === '\n' || ch === '\r' || ch === '\t') out += ' ';
    else if (ch < ' ' || ch === '\u007f') continue;
    else if ('\\`*_{}[]()#+-.!|~:'.includes(ch)) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}
