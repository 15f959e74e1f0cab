// Tail throughput: `npx node --import tsx test/bench/tail.bench.ts [lines]`.
// 1) raw reader: a 1M-line auth.log read from offset 0 to the end through the tailer's own reader;
// 2) end to end: the FileSource with a consumer that acks every batch, checkpointing each ack in node:sqlite (WAL).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileSource } from '../../agent/src/sources/file/file-source.ts';
import { measureTailThroughput } from '../../agent/src/sources/file/throughput.ts';
import { StateDb } from '../../agent/src/state/db.ts';

const n = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(path.join(tmpdir(), 'vigil-tail-bench-'));
const log = path.join(dir, 'var/log/auth.log');

function authLines(count: number): string {
  const users = ['root', 'admin', 'ubuntu', 'deploy', 'alice'];
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const s = i % 60;
    parts.push(
      `Mar  1 12:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(s).padStart(2, '0')} web-1 sshd[${1000 + (i % 5000)}]: ` +
        `Failed password for invalid user ${users[i % 5]} from 203.0.113.${i % 250} port ${30000 + (i % 30000)} ssh2\n`,
    );
  }
  return parts.join('');
}

async function endToEnd(): Promise<{ seconds: number; lines: number }> {
  const db = StateDb.open(path.join(dir, 'agent.db'));
  const src = new FileSource({ type: 'file', id: 'bench', root: dir }, { checkpoints: db.checkpoints });
  let lines = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    void src.start({
      write(b) {
        if (b.type !== 'lines') return;
        lines += b.lines.length;
        b.ack();
        if (lines >= n) resolve();
      },
      issue() {},
    });
  });
  const seconds = (performance.now() - t0) / 1000;
  await src.stop();
  db.close();
  return { seconds, lines };
}

try {
  mkdirSync(path.dirname(log), { recursive: true });
  writeFileSync(log, authLines(n));
  const raw = await measureTailThroughput(log);
  console.log(
    `raw reader: ${raw.lines} lines, ${(raw.bytes / 1048576).toFixed(1)} MiB in ${raw.seconds.toFixed(3)} s = ` +
      `${Math.round(raw.linesPerSec).toLocaleString('en')} lines/s (${raw.mbPerSec.toFixed(0)} MiB/s)`,
  );
  const e2e = await endToEnd();
  console.log(
    `FileSource + ack + sqlite checkpoint per batch: ${e2e.lines} lines in ${e2e.seconds.toFixed(3)} s = ` +
      `${Math.round(e2e.lines / e2e.seconds).toLocaleString('en')} lines/s`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
