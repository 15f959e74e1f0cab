/**
 * The contract between generator and parsers: every line the generator writes parses back to exactly the event it
 * meant to write, for every source. A field the parser drops, renames or mistypes fails here.
 */
import { describe, expect, it } from 'vitest';
import { fromFileName } from '../../models/src/parse/detect.ts';
import { createParser } from '../../models/src/parse/registry.ts';
import type { LineParser } from '../../models/src/parse/types.ts';
import { LOG_SOURCES, type LogEvent } from '../../models/src/schema/index.ts';
import { iterateDataset } from '../../models/src/synth/index.ts';

/** Drain template ids belong to the parser (the generator cannot know them). */
function comparable(e: LogEvent): LogEvent {
  if (!e.attrs || !('template' in e.attrs)) return e;
  const { template: _t, ...attrs } = e.attrs;
  const out = { ...e, attrs };
  if (Object.keys(attrs).length === 0) delete (out as Partial<LogEvent>).attrs;
  return out;
}

describe('generator → parser round trip', () => {
  it('parses every generated line back to the intended event, for every source', () => {
    const parsers = new Map<string, LineParser>();
    const perSource = new Map<string, { lines: number; mismatches: number }>();
    const firstMismatch = new Map<string, { line: string; expected: LogEvent; got: unknown }>();
    let lineNo = 0;
    for (const r of iterateDataset({ samples: 20_000, seed: 5 })) {
      let parser = parsers.get(r.file);
      if (!parser) {
        const format = fromFileName(r.file);
        expect(format, `no format for ${r.file}`).toBeDefined();
        parser = createParser(format as NonNullable<typeof format>, { year: 2025, fileName: r.file });
        parsers.set(r.file, parser);
      }
      const res = parser.parse(r.line, { file: r.file, line: ++lineNo });
      const stats = perSource.get(r.source) ?? { lines: 0, mismatches: 0 };
      stats.lines++;
      const got = res.ok ? comparable(res.event) : res;
      let same = false;
      try {
        expect(got).toStrictEqual(comparable(r.event));
        same = true;
      } catch {
        same = false;
      }
      if (!same) {
        stats.mismatches++;
        if (!firstMismatch.has(r.source)) firstMismatch.set(r.source, { line: r.line, expected: r.event, got });
      }
      perSource.set(r.source, stats);
    }
    expect([...perSource.keys()].sort()).toEqual([...LOG_SOURCES].sort());
    for (const [source, m] of firstMismatch) {
      console.error(
        `round trip mismatch (${source}):\n  line: ${m.line}\n  expected: ${JSON.stringify(m.expected)}\n  got: ${JSON.stringify(m.got)}`,
      );
    }
    const mismatches = Object.fromEntries([...perSource].map(([s, v]) => [s, v.mismatches]));
    expect(mismatches).toEqual(Object.fromEntries([...perSource.keys()].map((s) => [s, 0])));
  });
});
