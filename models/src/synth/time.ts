/** Time formatting for the native formats, and the calendar facts (weekday, holidays) behaviour depends on. */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

let dayKey = Number.NaN;
let dayPrefix = '';

/** RFC 3164 timestamp `Mmm dd hh:mm:ss` (day space-padded, UTC, no year). The date part is cached per day. */
export function syslogTime(ms: number): string {
  const day = Math.floor(ms / DAY);
  if (day !== dayKey) {
    const d = new Date(day * DAY);
    const dd = d.getUTCDate();
    dayPrefix = `${MONTHS[d.getUTCMonth()]} ${dd < 10 ? ` ${dd}` : dd} `;
    dayKey = day;
  }
  const s = Math.floor((ms - day * DAY) / SECOND);
  return `${dayPrefix}${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`;
}

/** `2025-03-01T12:00:00.123Z` */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2025-03-01T12:00:00Z` (CloudTrail eventTime). */
export function isoSeconds(ms: number): string {
  const s = new Date(ms).toISOString();
  return `${s.slice(0, 19)}Z`;
}

/** S3 access log time `[06/Feb/2019:00:00:38 +0000]`. */
export function s3Time(ms: number): string {
  const d = new Date(ms);
  return `[${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(
    d.getUTCMinutes(),
  )}:${pad2(d.getUTCSeconds())} +0000]`;
}

/** `2025/03/01` (Lambda log stream date prefix). */
export function slashDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${pad2(d.getUTCMonth() + 1)}/${pad2(d.getUTCDate())}`;
}

/** Local clock of a fixed UTC offset: weekday 0=Sunday..6 and fractional hour. */
export function localClock(ms: number, offsetMinutes: number): { dow: number; hour: number; dayIndex: number } {
  const local = ms + offsetMinutes * MINUTE;
  const dayIndex = Math.floor(local / DAY);
  return { dow: (dayIndex + 4) % 7, hour: (local - dayIndex * DAY) / HOUR, dayIndex };
}

function nthWeekday(year: number, month: number, dow: number, n: number): number {
  const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
  return 1 + ((dow - first + 7) % 7) + (n - 1) * 7;
}

function lastWeekday(year: number, month: number, dow: number): number {
  const days = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const lastDow = new Date(Date.UTC(year, month, days)).getUTCDay();
  return days - ((lastDow - dow + 7) % 7);
}

const holidayCache = new Map<number, Set<number>>();

/** US federal holidays plus Dec 24 and Dec 31 (company shutdown days), as UTC day indexes. */
export function holidays(year: number): Set<number> {
  let set = holidayCache.get(year);
  if (set) return set;
  const days: [number, number][] = [
    [0, 1],
    [0, nthWeekday(year, 0, 1, 3)],
    [1, nthWeekday(year, 1, 1, 3)],
    [4, lastWeekday(year, 4, 1)],
    [5, 19],
    [6, 4],
    [8, nthWeekday(year, 8, 1, 1)],
    [10, nthWeekday(year, 10, 4, 4)],
    [10, nthWeekday(year, 10, 4, 4) + 1],
    [11, 24],
    [11, 25],
    [11, 31],
  ];
  set = new Set(days.map(([m, d]) => Math.floor(Date.UTC(year, m, d) / DAY)));
  holidayCache.set(year, set);
  return set;
}

const holidayMemo = new Map<number, boolean>();

export function isHoliday(dayIndex: number): boolean {
  let v = holidayMemo.get(dayIndex);
  if (v === undefined) {
    v = holidays(new Date(dayIndex * DAY).getUTCFullYear()).has(dayIndex);
    holidayMemo.set(dayIndex, v);
  }
  return v;
}

/** Black Friday and Cyber Monday: the benign traffic peaks a request-spike detector must not flag. */
const peakMemo = new Map<number, boolean>();

export function isShoppingPeak(dayIndex: number): boolean {
  let v = peakMemo.get(dayIndex);
  if (v === undefined) {
    v = shoppingPeak(dayIndex);
    peakMemo.set(dayIndex, v);
  }
  return v;
}

function shoppingPeak(dayIndex: number): boolean {
  const year = new Date(dayIndex * DAY).getUTCFullYear();
  const thanksgiving = Math.floor(Date.UTC(year, 10, nthWeekday(year, 10, 4, 4)) / DAY);
  return dayIndex === thanksgiving + 1 || dayIndex === thanksgiving + 4;
}
