import { PAD_ID, UNKNOWN_ID } from '../../onnx/nn/types.ts';

/*
 * Template ids (e.g. Drain's or Loghub's EventId strings) ↔ dense integer ids for the next-event LSTM.
 * 0 = padding (left of a session's first event), 1 = a template never seen in training; known templates 2…V-1 in
 * first-seen order, so the same training stream always gives the same ids.
 */

export interface Vocabulary {
  /** index = id; [0] and [1] are the reserved padding and unknown entries. */
  templates: string[];
}

export const RESERVED_IDS = 2;

export function buildVocabulary(templates: Iterable<string>): Vocabulary {
  const seen = new Set<string>();
  for (const t of templates) seen.add(t);
  return { templates: ['<pad>', '<unk>', ...seen] };
}

export function vocabularyIndex(v: Vocabulary): Map<string, number> {
  return new Map(v.templates.slice(RESERVED_IDS).map((t, i) => [t, i + RESERVED_IDS]));
}

/** Encode one session; unseen templates become the unknown id. */
export function encodeTemplates(index: Map<string, number>, templates: readonly string[]): Int32Array {
  return Int32Array.from(templates, (t) => index.get(t) ?? UNKNOWN_ID);
}

export interface NextEventSamples {
  n: number;
  window: number;
  /** [n, window] ids, left-padded with PAD_ID */
  history: Int32Array;
  /** [n] the observed next id */
  next: Int32Array;
  /** [n] which session and position each sample predicts (for mapping decisions back to sessions/lines) */
  session: Int32Array;
  position: Int32Array;
}

/**
 * One sample per event at position t ≥ minHistory of each session: the (up to) `window` ids before it, padded on
 * the left, and the event itself as the target.
 */
export function nextEventSamples(sessions: readonly Int32Array[], window: number, minHistory = 1): NextEventSamples {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`window ${window} must be a positive integer`);
  let n = 0;
  for (const s of sessions) n += Math.max(0, s.length - minHistory);
  const out: NextEventSamples = {
    n,
    window,
    history: new Int32Array(n * window).fill(PAD_ID),
    next: new Int32Array(n),
    session: new Int32Array(n),
    position: new Int32Array(n),
  };
  let i = 0;
  sessions.forEach((s, si) => {
    for (let t = minHistory; t < s.length; t++, i++) {
      const from = Math.max(0, t - window);
      out.history.set(s.subarray(from, t), i * window + window - (t - from));
      out.next[i] = s[t];
      out.session[i] = si;
      out.position[i] = t;
    }
  });
  return out;
}

/** For each sample, how many ids the model finds strictly more probable than the observed one (0 = top-1). */
export function observedRanks(probs: Float32Array, vocabSize: number, next: Int32Array): Int32Array {
  const ranks = new Int32Array(next.length);
  for (let i = 0; i < next.length; i++) {
    const row = i * vocabSize;
    const p = probs[row + next[i]];
    let above = 0;
    for (let k = 0; k < vocabSize; k++) if (probs[row + k] > p) above++;
    ranks[i] = above;
  }
  return ranks;
}
