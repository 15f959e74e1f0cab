/**
 * Hand-rolled time parsing for the hot paths: Date.parse costs ~10x more per call and accepts shapes we want to
 * reject. Every function returns NaN for input it does not recognise; callers turn that into a `bad_time` error.
 */

const dayCache = new Map<number, number>();

/** Epoch ms of 00:00 UTC on y-m0-d (m0 0-based), cached: logs hit the same few days over and over. */
export function dayStartMs(y: number, m0: number, d: number): number {
  const key = y * 512 + m0 * 32 + d;
  let v = dayCache.get(key);
  if (v === undefined) {
    v = Date.UTC(y, m0, d);
    if (dayCache.size > 4096) dayCache.clear();
    dayCache.set(key, v);
  }
  return v;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function validDate(y: number, m0: number, d: number): boolean {
  if (m0 < 0 || m0 > 11 || d < 1 || d > DAYS_IN_MONTH[m0]) return false;
  if (m0 === 1 && d === 29) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return true;
}

/** Digits s[i..i+n) as a number, or -1 when any is not a digit. */
export function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Month index 0..11 of the English abbreviation at s[i..i+3) (case-sensitive first letter), or -1. */
export function monthIndex(s: string, i: number): number {
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(i + 1);
  const c = s.charCodeAt(i + 2);
  switch (a) {
    case 74: // J
      if (b === 97 && c === 110) return 0; // Jan
      if (b === 117 && c === 110) return 5; // Jun
      if (b === 117 && c === 108) return 6; // Jul
      return -1;
    case 70: // F
      return b === 101 && c === 98 ? 1 : -1;
    case 77: // M
      if (b === 97 && c === 114) return 2; // Mar
      if (b === 97 && c === 121) return 4; // May
      return -1;
    case 65: // A
      if (b === 112 && c === 114) return 3; // Apr
      if (b === 117 && c === 103) return 7; // Aug
      return -1;
    case 83: // S
      return b === 101 && c === 112 ? 8 : -1;
    case 79: // O
      return b === 99 && c === 116 ? 9 : -1;
    case 78: // N
      return b === 111 && c === 118 ? 10 : -1;
    case 68: // D
      return b === 101 && c === 99 ? 11 : -1;
    default:
      return -1;
  }
}

/** HH:MM:SS at s[i..i+8) as ms since midnight, or -1. Allows second 60 (leap second) as 59. */
export function clockMs(s: string, i: number): number {
  if (s.charCodeAt(i + 2) !== 58 || s.charCodeAt(i + 5) !== 58) return -1;
  const h = digits(s, i, 2);
  const m = digits(s, i + 3, 2);
  const sec = digits(s, i + 6, 2);
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60) return -1;
  return (h * 3600 + m * 60 + Math.min(sec, 59)) * 1000;
}

export interface TimeScan {
  /** Epoch ms (NaN on failure). */
  ms: number;
  /** Index just after the timestamp. */
  end: number;
}

/**
 * ISO 8601 / RFC 3339 at s[i..]: `YYYY-MM-DD[T ]HH:MM[:SS[.frac]][Z|±HH:MM|±HHMM|±HH]`. No zone means UTC.
 * Writes into `out` to avoid an allocation per line.
 */
export function scanIso(s: string, i: number, out: TimeScan): boolean {
  out.ms = Number.NaN;
  const y = digits(s, i, 4);
  if (y < 0 || s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45) return false;
  const mo = digits(s, i + 5, 2) - 1;
  const d = digits(s, i + 8, 2);
  if (!validDate(y, mo, d)) return false;
  const sep = s.charCodeAt(i + 10);
  if (sep !== 84 && sep !== 32 && sep !== 116) return false; // T, space, t
  let j = i + 11;
  const h = digits(s, j, 2);
  const mi = digits(s, j + 3, 2);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s.charCodeAt(j + 2) !== 58) return false;
  j += 5;
  let sec = 0;
  let frac = 0;
  if (s.charCodeAt(j) === 58) {
    sec = digits(s, j + 1, 2);
    if (sec < 0 || sec > 60) return false;
    j += 3;
    const dot = s.charCodeAt(j);
    if (dot === 46 || dot === 44) {
      j++;
      let scale = 100;
      const start = j;
      for (let c = s.charCodeAt(j) - 48; c >= 0 && c <= 9; c = s.charCodeAt(++j) - 48) {
        frac += c * scale;
        scale /= 10;
      }
      if (j === start) return false;
    }
  }
  let offsetMin = 0;
  const z = s.charCodeAt(j);
  if (z === 90 || z === 122) j++;
  else if (z === 43 || z === 45) {
    const oh = digits(s, j + 1, 2);
    if (oh < 0 || oh > 23) return false;
    let om = 0;
    if (s.charCodeAt(j + 3) === 58) {
      om = digits(s, j + 4, 2);
      j += 6;
    } else if (digits(s, j + 3, 2) >= 0) {
      om = digits(s, j + 3, 2);
      j += 5;
    } else j += 3;
    if (om < 0 || om > 59) return false;
    offsetMin = (z === 43 ? 1 : -1) * (oh * 60 + om);
  }
  out.ms =
    dayStartMs(y, mo, d) + (h * 3600 + mi * 60 + Math.min(sec, 59)) * 1000 + Math.floor(frac) - offsetMin * 60000;
  out.end = j;
  return true;
}

const scratch: TimeScan = { ms: 0, end: 0 };

/** A whole string that must be an ISO timestamp (CloudTrail eventTime, process `ts`). Also takes `YYYY-MM-DD HH:MM:SS`. */
export function parseIsoMs(s: string): number {
  if (typeof s !== 'string' || !scanIso(s, 0, scratch) || scratch.end !== s.length) return Number.NaN;
  return scratch.ms;
}

/** `06/Feb/2019:00:00:38 +0000` (S3 access log, Apache) at s[i..]; returns ms or NaN. */
export function parseClfTime(s: string, i: number, end: number): number {
  if (end - i < 20 || s.charCodeAt(i + 2) !== 47 || s.charCodeAt(i + 6) !== 47 || s.charCodeAt(i + 11) !== 58) {
    return Number.NaN;
  }
  const d = digits(s, i, 2);
  const mo = monthIndex(s, i + 3);
  const y = digits(s, i + 7, 4);
  if (!validDate(y, mo, d)) return Number.NaN;
  const clock = clockMs(s, i + 12);
  if (clock < 0) return Number.NaN;
  let offsetMin = 0;
  if (end - i >= 26 && s.charCodeAt(i + 20) === 32) {
    const sign = s.charCodeAt(i + 21);
    const oh = digits(s, i + 22, 2);
    const om = digits(s, i + 24, 2);
    if ((sign !== 43 && sign !== 45) || oh < 0 || om < 0) return Number.NaN;
    offsetMin = (sign === 43 ? 1 : -1) * (oh * 60 + om);
  }
  return dayStartMs(y, mo, d) + clock - offsetMin * 60000;
}

/**
 * Picks the year for timestamps that carry none (RFC 3164 `Dec 10 06:55:46`). Starts from an explicit year, or from
 * a reference time (the file's mtime: the first line is assumed not to be in the future of it), and rolls the year
 * over when the month goes backwards (Dec -> Jan).
 */
export class SyslogYear {
  private year: number | undefined;
  private lastMonth = -1;

  constructor(
    explicitYear: number | undefined,
    private readonly referenceMs: number | undefined,
  ) {
    this.year = explicitYear;
  }

  resolve(month0: number): number {
    if (this.year === undefined) {
      const ref = new Date(this.referenceMs ?? Date.now());
      const refYear = ref.getUTCFullYear();
      this.year = month0 > ref.getUTCMonth() ? refYear - 1 : refYear;
    } else if (this.lastMonth >= 0 && month0 < this.lastMonth && this.lastMonth - month0 >= 6) {
      // A jump back of six months or more is a new year; a small step back is out-of-order delivery.
      this.year++;
    }
    this.lastMonth = month0;
    return this.year;
  }
}
