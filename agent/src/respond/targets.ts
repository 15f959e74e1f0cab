import type { Anomaly } from '../../../models/src/schema/index.ts';

/**
 * Reads the detector's claims from evidence.targets. They are hints from log-derived data: values are checked for
 * type and shape here and the playbooks then verify them against the host.
 */
export type TargetRead<T> = { ok: true; value: T } | { ok: false; reason: string; field: string };

export function targetInt(anomaly: Anomaly, key: string, min: number, max: number): TargetRead<number> | null {
  const raw = anomaly.evidence.targets?.[key];
  if (raw === undefined) return null;
  const field = `evidence.targets.${key}`;
  const n = typeof raw === 'number' ? raw : /^[0-9]{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    return { ok: false, field, reason: `${field} must be an integer in [${min}, ${max}], got ${show(raw)}` };
  }
  return { ok: true, value: n };
}

export function targetString(anomaly: Anomaly, key: string): string | undefined {
  const raw = anomaly.evidence.targets?.[key];
  return typeof raw === 'string' ? raw : undefined;
}

/** A bounded, escaped rendering of a hostile value for messages (no newlines or ANSI escapes survive). */
export function show(value: unknown): string {
  const s = JSON.stringify(typeof value === 'string' ? value.slice(0, 80) : value) ?? String(value);
  return s.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
