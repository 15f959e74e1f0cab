import type { AttrValue } from '../schema/event.ts';

/** Non-negative decimal integer filling s[i..end), or -1. At most 15 digits so the result stays exact. */
export function uintAt(s: string, i: number, end: number): number {
  if (end <= i || end - i > 15) return -1;
  let v = 0;
  for (let k = i; k < end; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

export function uint(s: string): number {
  return uintAt(s, 0, s.length);
}

/** A decimal number like `12.34` (no sign, no exponent) or NaN. */
export function decimal(s: string): number {
  if (s.length === 0 || s.length > 24) return Number.NaN;
  let dots = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 46) dots++;
    else if (c < 48 || c > 57) return Number.NaN;
  }
  if (dots > 1 || s.charCodeAt(0) === 46 || s.charCodeAt(s.length - 1) === 46) return Number.NaN;
  return Number(s);
}

/** Dotted-quad IPv4 with octets 0..255 and no leading '+' or spaces. */
export function isIpv4(s: string, i = 0, end = s.length): boolean {
  let octets = 0;
  let val = 0;
  let len = 0;
  for (let k = i; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c === 46) {
      if (len === 0 || val > 255) return false;
      octets++;
      val = 0;
      len = 0;
    } else if (c >= 48 && c <= 57) {
      if (++len > 3) return false;
      val = val * 10 + (c - 48);
    } else return false;
  }
  return octets === 3 && len > 0 && val <= 255;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** IPv6 text form (RFC 4291 section 2.2, incl. `::` and a trailing dotted quad); no zone id. */
export function isIpv6(s: string): boolean {
  const n = s.length;
  if (n < 2 || n > 45) return false;
  let groups = 0;
  let doubleColon = false;
  let k = 0;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return false;
    doubleColon = true;
    k = 2;
    if (k === n) return true;
  }
  while (k < n) {
    let len = 0;
    const start = k;
    while (k < n && isHex(s.charCodeAt(k))) {
      k++;
      len++;
    }
    if (k < n && s.charCodeAt(k) === 46) {
      // embedded IPv4 must be the last part
      if (!isIpv4(s, start, n)) return false;
      groups += 2;
      k = n;
      break;
    }
    if (len === 0 || len > 4) return false;
    groups++;
    if (k === n) break;
    if (s.charCodeAt(k) !== 58) return false;
    k++;
    if (k < n && s.charCodeAt(k) === 58) {
      if (doubleColon) return false;
      doubleColon = true;
      k++;
      if (k === n) break;
    } else if (k === n) return false;
  }
  return doubleColon ? groups < 8 : groups === 8;
}

export function isIp(s: string): boolean {
  return s.indexOf(':') >= 0 ? isIpv6(s) : isIpv4(s);
}

/** Drop `undefined` and empty strings so attrs only carry values that exist ("absent, never empty"). */
export function compactAttrs(a: Record<string, AttrValue | undefined>): Record<string, AttrValue> | undefined {
  let out: Record<string, AttrValue> | undefined;
  for (const k in a) {
    const v = a[k];
    if (v === undefined || v === '') continue;
    if (out === undefined) out = {};
    out[k] = v;
  }
  return out;
}

/** `-` and empty mean absent in AWS logs. */
export function dash(s: string | undefined): string | undefined {
  return s === undefined || s === '-' || s === '' ? undefined : s;
}
