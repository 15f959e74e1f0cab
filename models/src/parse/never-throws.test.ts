import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogEventSchema } from '../schema/event.ts';
import { compileValidator } from '../schema/validate.ts';
import { TemplateMiner } from './drain/miner.ts';
import { LineSplitter } from './reader/lines.ts';
import { createParser } from './registry.ts';
import { LOG_FORMATS, PARSE_ERROR_CODES, type ParseResult } from './types.ts';

const validate = compileValidator(LogEventSchema);
const ctx = { file: 'fuzz', line: 1 };

/** Every result is an event that satisfies the schema, a skip, or an error with a known code. */
function wellFormed(r: ParseResult): void {
  if (r.ok) validate(r.event, 'event');
  else if ('skip' in r) expect(['blank', 'header', 'comment']).toContain(r.skip);
  else expect(PARSE_ERROR_CODES).toContain(r.error.code);
}

/** Strings that look like the formats, mutated: more interesting than uniform noise. */
const SEEDS = [
  'Dec 10 06:55:46 LabSZ sshd[24200]: Failed password for invalid user x from 1.2.3.4 port 22 ssh2',
  '<34>1 2003-10-11T22:14:15.003Z host app - ID47 [a@1 b="]"] msg',
  '2 123456789010 eni-1 1.2.3.4 5.6.7.8 1 2 6 1 1 100 160 ACCEPT OK',
  'o b [06/Feb/2019:00:00:38 +0000] 1.2.3.4 r id REST.GET.OBJECT k "GET / HTTP/1.1" 200 - 1 1 1 1 "-" "ua" -',
  '{"eventVersion":"1.08","eventTime":"2020-01-01T00:00:00Z","eventName":"X","userIdentity":{"arn":"a"}}',
  '{"logGroupName":"/aws/lambda/f","timestamp":1,"message":"REPORT RequestId: x\\tDuration: 1 ms"}',
  '{"ts":"2025-01-01T00:00:00Z","pid":1,"mount":"/","sizeBytes":1,"usedBytes":1}',
];

const mutated = fc
  .tuple(fc.constantFrom(...SEEDS), fc.nat(), fc.nat(), fc.string({ maxLength: 8 }))
  .map(([s, a, b, ins]) => {
    const i = a % (s.length + 1);
    const j = Math.min(s.length, i + (b % 6));
    return s.slice(0, i) + ins + s.slice(j);
  });

describe('parsers never throw', () => {
  for (const format of LOG_FORMATS) {
    it(`${format}: arbitrary and mutated strings give an event, a skip or a named error`, () => {
      const parser = createParser(format, { year: 2024, referenceTimeMs: 0, fileName: 'lambda/f.jsonl' });
      fc.assert(
        fc.property(
          fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 }), mutated),
          (s) => {
            wellFormed(parser.parse(s, ctx));
          },
        ),
        { numRuns: 400 },
      );
    });
  }

  it('record parsers take any JSON value', () => {
    for (const format of ['cloudtrail', 'lambda'] as const) {
      const parser = createParser(format);
      if (!('parseRecord' in parser)) throw new Error('record parser expected');
      fc.assert(
        fc.property(fc.jsonValue(), (v) => {
          wellFormed(
            (parser as { parseRecord: (r: unknown, raw: string, c: typeof ctx) => ParseResult }).parseRecord(
              v,
              'raw',
              ctx,
            ),
          );
        }),
        { numRuns: 300 },
      );
    }
  });

  it('the line reader and the template miner take arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        let n = 0;
        const s = new LineSplitter({ line: () => n++, bad: () => n++ }, 64);
        s.push(Buffer.from(bytes));
        s.end();
        const miner = new TemplateMiner({ maxClusters: 4 });
        miner.add(Buffer.from(bytes).toString('latin1'));
        expect(miner.clusterCount).toBeLessThanOrEqual(4);
      }),
      { numRuns: 300 },
    );
  });

  it('stays linear on hostile long lines (no regex backtracking)', () => {
    const hostile = [
      `Jan  1 00:00:00 h sshd[1]: Invalid user ${'a from '.repeat(8000)}x`,
      `Jan  1 00:00:00 h systemd[1]: Started ${'.'.repeat(60000)}x`,
      `Jan  1 00:00:00 h sudo: u : ${'A=b ; '.repeat(9000)}`,
      `Jan  1 00:00:00 h kernel: ${'[ '.repeat(30000)}`,
      `o b [06/Feb/2019:00:00:38 +0000] 1.2.3.4 r id OP k "${'" '.repeat(30000)}`,
    ];
    const miner = new TemplateMiner();
    const t0 = performance.now();
    for (const line of hostile) {
      for (const f of ['syslog', 's3', 'vpc'] as const) wellFormed(createParser(f, { year: 2024 }).parse(line, ctx));
      miner.add(line);
    }
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
