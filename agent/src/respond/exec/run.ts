import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/**
 * The only place in the responder that starts a program. Always execFile with an argv array (never a shell), a
 * fixed PATH-free absolute program path, a minimal environment and a timeout. Every argument is checked again here
 * for control characters as defence in depth: callers build them from validated values only.
 */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandRunner {
  run(file: string, args: readonly string[], input?: string): Promise<CommandResult>;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

export class UnsafeArgumentError extends Error {
  override name = 'UnsafeArgumentError';
}

/** Throws unless the program is an absolute path and no argument carries a control character. */
export function assertSafeArgv(file: string, args: readonly string[]): void {
  if (!file.startsWith('/') || CONTROL.test(file)) throw new UnsafeArgumentError(`program must be absolute: ${file}`);
  for (const [i, arg] of args.entries()) {
    if (typeof arg !== 'string' || CONTROL.test(arg) || arg.length > 4096) {
      throw new UnsafeArgumentError(`argument ${i} is not a safe string: ${JSON.stringify(arg)}`);
    }
  }
}

const SAFE_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

export function execFileRunner(timeoutMs = 10_000): CommandRunner {
  return {
    run(file, args, input) {
      assertSafeArgv(file, args);
      return new Promise((resolve, reject) => {
        const child = execFile(
          file,
          [...args],
          { shell: false, timeout: timeoutMs, maxBuffer: 4 << 20, env: SAFE_ENV, encoding: 'utf8' },
          (err, stdout, stderr) => {
            if (err && typeof (err as NodeJS.ErrnoException).code === 'string') return reject(err); // ENOENT etc.
            const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
        // A program that exits without reading its input must not crash the agent with EPIPE.
        child.stdin?.on('error', () => {});
        child.stdin?.end(input ?? '');
      });
    },
  };
}

/** Locates a system binary in the fixed sbin/bin directories; a root daemon does not trust $PATH. */
export function resolveBinary(name: string, dirs = ['/usr/sbin', '/sbin', '/usr/bin', '/bin']): string | null {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) throw new UnsafeArgumentError(`bad binary name ${name}`);
  for (const dir of dirs) {
    try {
      accessSync(`${dir}/${name}`, constants.X_OK);
      return `${dir}/${name}`;
    } catch {
      // try the next directory
    }
  }
  return null;
}

/** Records every call and answers from a function: for tests and for the dry-run firewall backend's log. */
export class RecordingRunner implements CommandRunner {
  readonly calls: { file: string; args: string[]; input?: string }[] = [];
  constructor(private readonly answer: (file: string, args: readonly string[]) => CommandResult = ok) {}
  async run(file: string, args: readonly string[], input?: string): Promise<CommandResult> {
    assertSafeArgv(file, args);
    this.calls.push({ file, args: [...args], input });
    return this.answer(file, args);
  }
}

function ok(): CommandResult {
  return { code: 0, stdout: '', stderr: '' };
}
