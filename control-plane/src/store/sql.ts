import { ApiError } from '../http/errors.ts';

/**
 * Builds a WHERE clause from fixed SQL fragments while every value goes into `params`: `w.and(`host = ${w.p(v)}`)`
 * interpolates only the placeholder `$n`, never the value.
 */
export class Where {
  readonly params: unknown[] = [];
  private readonly clauses: string[] = [];

  p(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  and(fragment: string): this {
    this.clauses.push(fragment);
    return this;
  }

  toString(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

/** Opaque keyset cursor: base64url(JSON array of the sort key of the last row returned). */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends readonly ('string' | 'number')[]>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends 'string' ? string : number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length === shape.length &&
    parsed.every((v, i) => typeof v === shape[i] && (typeof v !== 'number' || Number.isSafeInteger(v)));
  if (!ok) throw new ApiError(400, 'invalid_request', 'cursor is not one this server issued', 'cursor');
  return parsed as never;
}

/** PostgreSQL text and jsonb cannot hold U+0000; log content can. Replace it (visibly) rather than fail a batch. */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value) as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
  }
  return value;
}

/** Cheap pre-check so the deep copy above runs only for the rare item that needs it. */
export const hasNul = (json: string) => json.includes('\\u0000');
