import { execFile } from 'node:child_process';

export interface ExecResult {
  stdout: string;
  stderr: string;
}

/** execFile as a promise; the error names the command and carries its stderr. Never runs a shell. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs ?? 300_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          const detail = String(stderr).trim().split('\n').slice(-5).join('\n');
          reject(
            new Error(`${cmd} ${args.join(' ')} failed: ${err.message.split('\n')[0]}${detail ? `\n${detail}` : ''}`),
          );
        } else resolve({ stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** The first of the candidate programs found on PATH, or undefined. */
export async function which(...candidates: string[]): Promise<string | undefined> {
  for (const c of candidates) {
    try {
      const { stdout } = await run('sh', ['-c', 'command -v "$1"', 'sh', c], { timeoutMs: 5000 });
      if (stdout.trim()) return stdout.trim();
    } catch {
      // not found: try the next one
    }
  }
  return undefined;
}
