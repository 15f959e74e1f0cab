import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type DrainConfig, TemplateMiner } from './miner.ts';
import { groupingAccuracy } from './score.ts';

/** Minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF) for the loghub structured CSVs. */
export function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

export interface LabelledMessages {
  content: string[];
  template: string[];
}

/** Content and EventTemplate columns of a loghub `*_structured*.csv`. */
export function loadStructured(file: string): LabelledMessages {
  const [header, ...rows] = readCsv(readFileSync(file, 'utf8'));
  const ci = header.indexOf('Content');
  const ti = header.indexOf('EventTemplate');
  if (ci < 0 || ti < 0) throw new Error(`${file}: no Content/EventTemplate columns`);
  const data = rows.filter((r) => r.length > Math.max(ci, ti));
  return { content: data.map((r) => r[ci]), template: data.map((r) => r[ti]) };
}

export type LoghubVariant = 'corrected' | 'original';

/** Where the ground truth lives under `dataDir` (the shared data folder). */
export function structuredPath(dataDir: string, dataset: string, variant: LoghubVariant): string {
  return variant === 'corrected'
    ? path.join(dataDir, 'loghub-2.0', '2k_dataset', dataset, `${dataset}_2k.log_structured_corrected.csv`)
    : path.join(dataDir, 'loghub', dataset, `${dataset}_2k.log_structured.csv`);
}

export interface LoghubScore {
  dataset: string;
  variant: LoghubVariant;
  messages: number;
  truthGroups: number;
  clusters: number;
  ga: number;
  config: DrainConfig;
}

/** Run the miner over a loghub 2k sample in file order and score grouping accuracy against its ground truth. */
export function scoreLoghub(
  dataDir: string,
  dataset: string,
  variant: LoghubVariant = 'corrected',
  config: Partial<DrainConfig> = {},
): LoghubScore {
  const { content, template } = loadStructured(structuredPath(dataDir, dataset, variant));
  const miner = new TemplateMiner(config);
  const predicted = content.map((m) => miner.add(m).templateId);
  return {
    dataset,
    variant,
    messages: content.length,
    truthGroups: new Set(template).size,
    clusters: miner.clusterCount,
    ga: groupingAccuracy(predicted, template),
    config: miner.config,
  };
}

/** Drain's grouping accuracy as published (Zhu et al., ICSE-SEIP 2019, Table: Drain) on the loghub 2k samples. */
export const PUBLISHED_DRAIN_GA: Record<string, number> = { Linux: 0.69, OpenSSH: 0.79 };

/**
 * The figures for docs: GA of this miner on Linux and OpenSSH, against the corrected (loghub-2.0) and the original
 * loghub ground truth, next to Drain's published GA.
 */
export function drainReport(dataDir: string, config: Partial<DrainConfig> = {}) {
  return ['Linux', 'OpenSSH'].flatMap((dataset) =>
    (['corrected', 'original'] as const).map((variant) => {
      const s = scoreLoghub(dataDir, dataset, variant, config);
      return { ...s, ga: Math.round(s.ga * 1000) / 1000, publishedDrainGa: PUBLISHED_DRAIN_GA[dataset] };
    }),
  );
}
