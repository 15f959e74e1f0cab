import { AwsError } from '../core/errors.ts';

/** A position between events: everything with (ts, seq) >= key lies after it. */
export interface Boundary {
  ts: number;
  seq: number;
}

export type Direction = 'f' | 'b';

const TOKEN = /^([fb])\/(\d{16})(\d{16})\/s$/;
export const END_OF_TIME = Number.MAX_SAFE_INTEGER; // 16 digits, fits the token layout

/**
 * Tokens hold a key rather than an array index, so events stored later (even with older timestamps) never shift
 * a reader's place, and a reader at the end gets back exactly the token it sent.
 */
export function encodeToken(dir: Direction, at: Boundary): string {
  return `${dir}/${String(at.ts).padStart(16, '0')}${String(at.seq).padStart(16, '0')}/s`;
}

export function decodeToken(token: string, member = 'nextToken'): { dir: Direction; at: Boundary } {
  const m = TOKEN.exec(token);
  if (!m) throw new AwsError('InvalidParameterException', `The specified ${member} is invalid.`);
  return { dir: m[1] as Direction, at: { ts: Number(m[2]), seq: Number(m[3]) } };
}
