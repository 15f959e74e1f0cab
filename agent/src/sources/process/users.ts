import { readFileSync, statSync } from 'node:fs';

/** uid → user name from passwd, re-read only when the file changes. */
export class UserNames {
  private names = new Map<number, string>();
  private mtimeMs = -1;

  constructor(private readonly passwdPath = '/etc/passwd') {}

  /** The name, or the uid as a string when passwd has no entry (as ps shows it). */
  name(uid: number): string {
    this.refresh();
    return this.names.get(uid) ?? String(uid);
  }

  private refresh(): void {
    let mtime: number;
    try {
      mtime = statSync(this.passwdPath).mtimeMs;
    } catch {
      return;
    }
    if (mtime === this.mtimeMs) return;
    this.mtimeMs = mtime;
    const names = new Map<number, string>();
    for (const line of readFileSync(this.passwdPath, 'utf8').split('\n')) {
      const [name, , uid] = line.split(':', 3);
      if (name && uid && /^\d+$/.test(uid) && !names.has(Number(uid))) names.set(Number(uid), name);
    }
    this.names = names;
  }
}
