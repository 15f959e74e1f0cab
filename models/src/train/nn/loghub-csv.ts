import { readFile } from 'node:fs/promises';

/*
 * Reader for Loghub's *_structured.csv files (RFC 4180: quoted fields, doubled quotes, CRLF). Single pass, no
 * regex; each record keeps the 1-based line it starts on so a rejected row can be named. Rows whose width does
 * not match the header are rejected, counted and reported, never silently dropped or misaligned.
 */

export interface CsvRecord {
  line: number;
  fields: string[];
}

export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = () => {
    fields.push(cell);
    if (fields.length > 1 || fields[0] !== '') records.push({ line: start, fields });
    fields = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') {
        i++;
        line++;
      }
      endRecord();
      start = line;
    } else cell += c;
  }
  if (cell !== '' || fields.length > 0) endRecord();
  return records;
}

export interface StructuredCsv {
  file: string;
  header: string[];
  /** Valid rows as column-name → value. */
  rows: Record<string, string>[];
  /** File line of each valid row. */
  lines: number[];
  /** Rows refused, with file line numbers. */
  rejected: { line: number; reason: string }[];
}

/** Read a structured CSV, requiring the named columns in its header. */
export async function readStructuredCsv(file: string, required: readonly string[]): Promise<StructuredCsv> {
  const [head, ...body] = parseCsv(await readFile(file, 'utf8'));
  if (!head) throw new Error(`${file}: empty file`);
  const header = head.fields;
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new Error(`${file}: header lacks column(s) ${missing.join(', ')}`);
  const rows: Record<string, string>[] = [];
  const lines: number[] = [];
  const rejected: { line: number; reason: string }[] = [];
  for (const r of body) {
    if (r.fields.length !== header.length) {
      rejected.push({ line: r.line, reason: `${r.fields.length} fields, header has ${header.length}` });
      continue;
    }
    rows.push(Object.fromEntries(header.map((h, i) => [h, r.fields[i]])));
    lines.push(r.line);
  }
  return { file, header, rows, lines, rejected };
}
