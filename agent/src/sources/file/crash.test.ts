import { type ChildProcess, spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from './test-helpers.ts';

const CHILD = fileURLToPath(new URL('./fixtures/tail-child.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const BATCH = 250;

let dir: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-crash-'));
  mkdirSync(path.join(dir, 'var/log'), { recursive: true });
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function startChild(out: string): Promise<ChildProcess> {
  const args = { root: dir, db: path.join(dir, 'agent.db'), out, batchMaxLines: BATCH };
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d) => String(d).includes('ready') && resolve(child));
    child.on('exit', (code) => reject(new Error(`tail child exited ${code} before ready: ${err}`)));
  });
}

const lineCount = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);
const numbered = (from: number, to: number, tag: string) =>
  Array.from({ length: to - from }, (_, i) => `${tag} line ${from + i} ${'x'.repeat((from + i) % 40)}`);

describe('crash safety (SIGKILL of a real tailer process)', () => {
  it('loses no line and re-reads at most the last unacked batch after kill -9 and restart', async () => {
    const log = path.join(dir, 'var/log/auth.log');
    const out = path.join(dir, 'received.txt');
    const first = numbered(0, 200_000, 'g1');
    writeFileSync(log, `${first.join('\n')}\n`);

    const a = await startChild(out);
    await waitFor('mid-stream', () => existsSync(out) && statSync(out).size >= 1_500_000, 10_000);
    a.kill('SIGKILL');
    await new Promise((r) => a.once('exit', r));
    const atKill = lineCount(out);
    expect(atKill).toBeLessThan(first.length); // really killed mid-stream

    // While it is down: more lines, then a rename rotation and a new file.
    const tail = numbered(200_000, 201_000, 'g1');
    appendFileSync(log, `${tail.join('\n')}\n`);
    renameSync(log, `${log}.1`);
    const second = numbered(0, 1000, 'g2');
    writeFileSync(log, `${second.join('\n')}\n`);

    const want = [...first, ...tail, ...second];
    await startChild(out);
    const wantBytes = Buffer.byteLength(`${want.join('\n')}\n`);
    await waitFor('everything', () => statSync(out).size >= wantBytes, 15_000);
    await new Promise((r) => setTimeout(r, 100)); // a last batch still being written

    const got = readFileSync(out, 'utf8').split('\n').slice(0, -1);
    // got = want[0..k) + want[j..) with j <= k: one contiguous re-read at the kill point, nothing missing.
    let k = 0;
    while (k < got.length && got[k] === want[k]) k++;
    const j = want.indexOf(got[k]);
    const duplicates = k - j;
    expect(j).toBeGreaterThanOrEqual(0);
    expect(got.slice(k)).toEqual(want.slice(j));
    expect(duplicates).toBeGreaterThanOrEqual(0);
    expect(duplicates).toBeLessThanOrEqual(BATCH);
    console.info(`crash test: killed after ${atKill} lines written; ${duplicates} lines re-read after restart`);
  });
});
