import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { LogEvent } from '../schema/event.ts';

/**
 * CSV columns, fixed: `time` (ISO 8601 UTC) then every LogEvent field in schema order; attrs is one JSON column.
 * Absent fields are empty cells.
 */
export const CSV_COLUMNS = [
  'time',
  'ts',
  'source',
  'account',
  'region',
  'host',
  'instanceType',
  'principal',
  'srcIp',
  'srcPort',
  'dstIp',
  'dstPort',
  'protocol',
  'action',
  'outcome',
  'status',
  'resource',
  'bytes',
  'packets',
  'durationMs',
  'memoryMb',
  'memoryLimitMb',
  'program',
  'pid',
  'message',
  'attrs',
  'raw',
] as const;

export interface CsvOptions {
  /**
   * Neutralise spreadsheet formulas: text cells starting with = + - @ TAB or CR get a leading `'` (OWASP CSV
   * injection advice). Off by default because it changes the data for non-spreadsheet consumers.
   */
  excelSafe?: boolean;
}

/** RFC 4180: quote when the cell holds a comma, quote, CR or LF; double inner quotes. */
export function csvCell(v: string, excelSafe = false): string {
  let s = v;
  if (excelSafe && s.length > 0) {
    const c = s.charCodeAt(0);
    if (c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13) s = `'${s}`;
  }
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const NEEDS_QUOTES = /[",\r\n]/;

function text(v: string | undefined, safe: boolean): string {
  return v === undefined ? '' : csvCell(v, safe);
}

function num(v: number | undefined): string {
  return v === undefined ? '' : String(v);
}

/** One CSV record (with trailing CRLF, as RFC 4180 has it). */
export function csvRow(e: LogEvent, opts: CsvOptions = {}): string {
  const x = opts.excelSafe ?? false;
  const time = Number.isFinite(e.ts) ? new Date(e.ts).toISOString() : '';
  return `${time},${e.ts},${e.source},${text(e.account, x)},${text(e.region, x)},${text(e.host, x)},${text(
    e.instanceType,
    x,
  )},${text(e.principal, x)},${text(e.srcIp, x)},${num(e.srcPort)},${text(e.dstIp, x)},${num(e.dstPort)},${num(
    e.protocol,
  )},${text(e.action, x)},${e.outcome},${text(e.status, x)},${text(e.resource, x)},${num(e.bytes)},${num(
    e.packets,
  )},${num(e.durationMs)},${num(e.memoryMb)},${num(e.memoryLimitMb)},${text(e.program, x)},${num(e.pid)},${text(
    e.message,
    x,
  )},${e.attrs === undefined ? '' : csvCell(JSON.stringify(e.attrs))},${text(e.raw, x)}\r\n`;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

/** Buffered CSV file writer with backpressure (`flush` waits for the stream to drain). */
export class CsvWriter {
  private readonly out: WriteStream;
  private buf: string[] = [];
  private size = 0;
  private failure: Error | undefined;
  rows = 0;

  constructor(
    path: string,
    private readonly opts: CsvOptions = {},
  ) {
    this.out = createWriteStream(path);
    this.out.on('error', (e) => {
      this.failure = e;
    });
    this.buf.push(csvHeader());
  }

  write(e: LogEvent): void {
    const row = csvRow(e, this.opts);
    this.buf.push(row);
    this.size += row.length;
    this.rows++;
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.buf.length === 0) return;
    const chunk = this.buf.join('');
    this.buf = [];
    this.size = 0;
    // events.once() rejects on 'error' and removes its listeners either way
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  /** Flush when the buffer is large (call per event batch). */
  async maybeFlush(): Promise<void> {
    if (this.size > 1 << 20) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(resolve);
    });
  }
}
