import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

/** The per-agent credential returned by enrollment (docs/api.md). Never logged. */
export interface AgentCredential {
  agentId: string;
  credentialId: string;
  credential: string;
  enrolledAt: number;
}

const CREDENTIAL = /^vgl_ag_[A-Za-z0-9_-]{43}$/;

/** Reads the credential file; undefined when absent. Refuses a file others can read or a malformed one. */
export function readCredential(file: string): AgentCredential | undefined {
  let text: string;
  try {
    const st = statSync(file);
    if ((st.mode & 0o077) !== 0)
      throw new Error(
        `credential file ${file} is readable by others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`,
      );
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let c: Partial<AgentCredential>;
  try {
    c = JSON.parse(text) as Partial<AgentCredential>;
  } catch {
    throw new Error(`credential file ${file} is not JSON`);
  }
  if (typeof c.agentId !== 'string' || typeof c.credential !== 'string' || !CREDENTIAL.test(c.credential)) {
    throw new Error(`credential file ${file} has no valid agentId/credential`);
  }
  return {
    agentId: c.agentId,
    credentialId: String(c.credentialId ?? ''),
    credential: c.credential,
    enrolledAt: Number(c.enrolledAt ?? 0),
  };
}

/** Writes the credential atomically with mode 0600: temp file, fsync, rename, fsync the directory. */
export function writeCredential(file: string, c: AgentCredential): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(c)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dfd = openSync(dir, 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}
