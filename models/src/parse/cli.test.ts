import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../util/cli.ts';
import { parseParseArgs, run } from './cli.ts';
import { readCsv } from './drain/loghub.ts';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-cli-'));
  writeFileSync(
    path.join(dir, 'auth.log'),
    'Mar  1 10:00:00 web-1 sshd[1]: Failed password for root from 1.2.3.4 port 22 ssh2\n\x1b[31mnot syslog\n',
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  return {
    done() {
      o.mockRestore();
      e.mockRestore();
      return { out, err };
    },
  };
}

describe('vigil logs', () => {
  it('lists its commands', async () => {
    const c = capture();
    expect(await run(['--help'])).toBe(0);
    expect(c.done().out).toContain('parse');
  });

  it('parse writes the CSV, the errors file and a JSON summary', async () => {
    const out = path.join(dir, 'out.csv');
    const errors = path.join(dir, 'errors.jsonl');
    const c = capture();
    const code = await run(['parse', dir, '--out', out, '--errors', errors, '--json', '--year', '2024']);
    const { out: stdout, err } = c.done();
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({
      lines: 2,
      events: 1,
      errors: 1,
      skipped: 0,
      byFormat: { syslog: { lines: 2, events: 1, errors: 1 } },
    });
    expect(summary.errorSamples[0]).toMatchObject({ line: 2, code: 'bad_header' });
    const rows = readCsv(readFileSync(out, 'utf8'));
    expect(rows).toHaveLength(2);
    expect(rows[1][rows[0].indexOf('action')]).toBe('ssh.failed');
    const err1 = JSON.parse(readFileSync(errors, 'utf8').trim());
    expect(err1).toMatchObject({ file: path.join(dir, 'auth.log'), line: 2 });
    expect(err).toContain('auth.log:2');
    expect(err).not.toContain('\x1b'); // no terminal escapes from log content reach stderr
  });

  it('names a PATH that does not exist', async () => {
    await expect(run(['parse', path.join(dir, 'missing'), '--out', path.join(dir, 'x.csv')])).rejects.toThrow(
      /no such file/,
    );
  });

  it('rejects bad usage with named errors', () => {
    expect(() => parseParseArgs(['x'])).toThrow(/--out/);
    expect(() => parseParseArgs(['--out', 'a.csv'])).toThrow(/PATH/);
    expect(() => parseParseArgs(['x', '--out', 'a.csv', '--format', 'xml'])).toThrow(UsageError);
    expect(() => parseParseArgs(['x', '--out', 'a.csv', '--year', '20x4'])).toThrow(/--year/);
    expect(() => parseParseArgs(['x', '--out', 'a.csv', '--vpc-fields', 'version nope'])).toThrow(/--vpc-fields/);
    expect(() => parseParseArgs(['x', '--out', 'a.csv', '--bogus'])).toThrow(UsageError);
  });
});
