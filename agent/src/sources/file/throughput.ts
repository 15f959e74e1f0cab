import { FILE_SOURCE_DEFAULTS } from './config.ts';
import type { LineIssue } from './line-reader.ts';
import { OpenFile } from './open-file.ts';

export interface TailThroughput {
  lines: number;
  bytes: number;
  seconds: number;
  linesPerSec: number;
  mbPerSec: number;
}

/**
 * Raw tail throughput: read `file` from offset 0 to its end through the same reader the tailer uses (positional
 * reads into one buffer, line splitting, UTF-8 decoding, batching), without a consumer. Used by the benchmark.
 */
export async function measureTailThroughput(
  file: string,
  opts: Partial<typeof FILE_SOURCE_DEFAULTS> = {},
): Promise<TailThroughput> {
  const o = { ...FILE_SOURCE_DEFAULTS, ...opts };
  const f = await OpenFile.open(file, 0, 0, o);
  const issues: LineIssue[] = [];
  let lines = 0;
  const t0 = performance.now();
  try {
    for (;;) {
      const b = await f.nextBatch(o.batchMaxLines, o.batchMaxBytes, issues);
      if (b) lines += b.lines.length;
      else if (f.eof) break;
      issues.length = 0;
    }
  } finally {
    await f.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const bytes = f.reader.lineEnd;
  return { lines, bytes, seconds, linesPerSec: lines / seconds, mbPerSec: bytes / 1048576 / seconds };
}
