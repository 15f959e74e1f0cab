/** Helpers for the Distributor install test: run a package script into a DESTDIR, rebase real log lines to now. */
import { execFile } from 'node:child_process';
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `sh <pkgDir>/<script> args` with only PATH, DESTDIR and the given variables in the environment. */
export function runScript(
  pkgDir: string,
  script: string,
  destdir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<ScriptRun> {
  return runFile('sh', [path.join(pkgDir, script), ...args], { PATH: SAFE_PATH, DESTDIR: destdir, ...env });
}

export function runFile(cmd: string, args: string[], env: Record<string, string> = {}): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const STAMP = /^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} /;

function syslogStamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} `;
}

/**
 * The fixture's lines with their syslog stamps moved to a 100 ms cadence ending now (content untouched), so the
 * live daemon scores them as current traffic. Lines without a stamp (the fixture's malformed one) stay as they are.
 */
export function rebaseToNow(lines: string[], now = Date.now()): string[] {
  const start = now - lines.length * 100;
  return lines.map((l, i) => (STAMP.test(l) ? syslogStamp(start + i * 100) + l.replace(STAMP, '') : l));
}

/** Every file and symlink under root (directories are listed only when empty is false). */
export function filesUnder(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory() && !lstatSync(path.join(root, r)).isSymbolicLink()) out.push(...filesUnder(root, r));
    else out.push(r);
  }
  return out.sort();
}

/** Directories under root whose name mentions vigil (what an uninstall must not leave). */
export function vigilDirs(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.name.includes('vigil')) out.push(r);
    out.push(...vigilDirs(root, r));
  }
  return out;
}
