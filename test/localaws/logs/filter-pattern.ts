import { AwsError } from '../core/errors.ts';

export type EventMatcher = (message: string) => boolean;

interface Term {
  text: string;
  /** Quoted terms match as an exact substring; bare terms must stand as a whole word. */
  quoted: boolean;
  mode: 'all' | 'any' | 'not';
}

const MATCH_ALL: EventMatcher = () => true;
const cache = new Map<string, EventMatcher>();

/**
 * The subset of CloudWatch Logs filter-pattern syntax for unstructured events:
 * - empty pattern: every event;
 * - `ERROR Exception`: every term must appear (AND);
 * - `"Failed password"`: a quoted term matches that exact text, spaces and punctuation included;
 * - `?ERROR ?WARN`: any term may appear (OR);
 * - `ERROR -Exiting`: AND terms with excluded terms; a pattern of only `-term`s matches events lacking them.
 * Matching is case-sensitive. A bare term must be alphanumeric/underscore and matches only as a whole word
 * (not inside a longer word), as CloudWatch tokenizes messages. JSON (`{ $.x = 1 }`), space-delimited
 * (`[ip, user, ...]`) and regex (`%...%`) patterns are refused with InvalidParameterException naming the
 * unsupported kind, rather than silently matching something else.
 */
export function compileFilterPattern(pattern: string | undefined): EventMatcher {
  if (pattern === undefined || pattern.trim() === '') return MATCH_ALL;
  let matcher = cache.get(pattern);
  if (matcher === undefined) {
    matcher = build(parseTerms(pattern));
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, matcher);
  }
  return matcher;
}

function unsupported(kind: string): never {
  throw new AwsError(
    'InvalidParameterException',
    `Invalid filter pattern: ${kind} patterns are not supported by this local stand-in`,
  );
}

function parseTerms(pattern: string): Term[] {
  const p = pattern.trim();
  if (p.startsWith('{')) unsupported('JSON');
  if (p.startsWith('[')) unsupported('space-delimited');
  const terms: Term[] = [];
  let i = 0;
  while (i < p.length) {
    if (p[i] === ' ' || p[i] === '\t') {
      i++;
      continue;
    }
    let mode: Term['mode'] = 'all';
    if (p[i] === '?' || p[i] === '-') {
      mode = p[i] === '?' ? 'any' : 'not';
      i++;
    }
    const parsed = p[i] === '"' ? readQuoted(p, i) : readBare(p, i);
    terms.push({ text: parsed.text, quoted: p[i] === '"', mode });
    i = parsed.end;
  }
  const modes = new Set(terms.map((t) => t.mode));
  if (modes.has('any') && modes.size > 1) {
    throw new AwsError(
      'InvalidParameterException',
      'Invalid filter pattern: ?term cannot be combined with plain or -term terms',
    );
  }
  return terms;
}

function readQuoted(p: string, start: number): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  while (i < p.length && p[i] !== '"') {
    if (p[i] === '\\' && i + 1 < p.length) i++;
    text += p[i];
    i++;
  }
  if (i >= p.length)
    throw new AwsError('InvalidParameterException', 'Invalid filter pattern: unterminated quoted term');
  if (text === '') throw new AwsError('InvalidParameterException', 'Invalid filter pattern: empty quoted term');
  return { text, end: i + 1 };
}

function readBare(p: string, start: number): { text: string; end: number } {
  let i = start;
  while (i < p.length && p[i] !== ' ' && p[i] !== '\t') i++;
  const text = p.slice(start, i);
  if (text.includes('%')) unsupported('regex');
  if (!/^\w+$/.test(text)) {
    throw new AwsError(
      'InvalidParameterException',
      `Invalid filter pattern: term '${text.slice(0, 64)}' has characters other than letters, digits and _; quote it`,
    );
  }
  return { text, end: i };
}

function build(terms: Term[]): EventMatcher {
  const tests = terms.map((t) => ({ mode: t.mode, test: t.quoted ? containsText(t.text) : containsWord(t.text) }));
  if (tests.length > 0 && tests[0].mode === 'any') return (m) => tests.some((t) => t.test(m));
  return (m) => tests.every((t) => (t.mode === 'not' ? !t.test(m) : t.test(m)));
}

function containsText(text: string): EventMatcher {
  return (m) => m.includes(text);
}

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function containsWord(word: string): EventMatcher {
  return (m) => {
    let from = 0;
    for (;;) {
      const at = m.indexOf(word, from);
      if (at < 0) return false;
      const end = at + word.length;
      if ((at === 0 || !isWordChar(m.charCodeAt(at - 1))) && (end === m.length || !isWordChar(m.charCodeAt(end)))) {
        return true;
      }
      from = at + 1;
    }
  };
}
