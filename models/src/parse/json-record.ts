import { parseIsoMs } from './time.ts';
import type { ParseError } from './types.ts';

export type Decoded = { ok: true; rec: Record<string, unknown> } | { ok: false; error: ParseError };

/** JSON.parse into a plain object, or a `bad_json` error. */
export function parseObject(line: string, what: string): Decoded {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    return { ok: false, error: { code: 'bad_json', message: `${what}: JSON does not parse: ${(e as Error).message}` } };
  }
  return asObject(v, what);
}

export function asObject(v: unknown, what: string): Decoded {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    return { ok: false, error: { code: 'bad_json', message: `${what}: expected a JSON object` } };
  }
  return { ok: true, rec: v as Record<string, unknown> };
}

/**
 * Typed reads of a decoded record that remember the first problem, so a parser can read all fields and then report
 * one clear error naming the key.
 */
export class FieldReader {
  error: ParseError | undefined;

  constructor(
    readonly rec: Record<string, unknown>,
    private readonly what: string,
  ) {}

  private bad(key: string, expected: string): undefined {
    this.error ??= { code: 'bad_field', message: `${this.what}: '${key}' must be ${expected}`, field: key };
    return undefined;
  }

  private missing(key: string): undefined {
    this.error ??= { code: 'missing_field', message: `${this.what}: '${key}' is required`, field: key };
    return undefined;
  }

  str(key: string, required = false): string | undefined {
    const v = this.rec[key];
    if (v === undefined || v === null || v === '') return required ? this.missing(key) : undefined;
    return typeof v === 'string' ? v : this.bad(key, 'a string');
  }

  num(key: string, required = false): number | undefined {
    const v = this.rec[key];
    if (v === undefined || v === null) return required ? this.missing(key) : undefined;
    return typeof v === 'number' && Number.isFinite(v) ? v : this.bad(key, 'a finite number');
  }

  int(key: string, required = false): number | undefined {
    const v = this.num(key, required);
    if (v === undefined) return undefined;
    return Number.isInteger(v) && v >= 0 ? v : this.bad(key, 'a non-negative integer');
  }

  /** A time given as ISO 8601 text or epoch milliseconds. */
  time(key: string, required = true): number | undefined {
    const v = this.rec[key];
    if (v === undefined || v === null) return required ? this.missing(key) : undefined;
    if (typeof v === 'number') {
      return Number.isFinite(v) && v >= 0 && v < 1e14 ? v : this.bad(key, 'epoch ms or an ISO 8601 time');
    }
    if (typeof v === 'string') {
      const ms = parseIsoMs(v);
      if (!Number.isNaN(ms)) return ms;
    }
    this.error ??= {
      code: 'bad_time',
      message: `${this.what}: '${key}' is not an ISO 8601 time or epoch ms`,
      field: key,
    };
    return undefined;
  }
}
