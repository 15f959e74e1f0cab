import { readdirSync, readlinkSync } from 'node:fs';

/**
 * Paths some process holds open, from the /proc/<pid>/fd links. Deleting an open file frees nothing until it is
 * closed (and may break a logger that did not reopen), so the cleaner skips these. Cost: one readlink per open fd on
 * the host, a few ms for thousands of fds, paid once per execution. The match is by path: a file open under another
 * path (bind mount, hard link) is not seen; hard-linked files are skipped apart.
 */
export function openPaths(proc = '/proc'): Set<string> {
  const open = new Set<string>();
  for (const pid of readdirSync(proc)) {
    if (!/^[0-9]+$/.test(pid)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`${proc}/${pid}/fd`);
    } catch {
      continue; // exited, or a kernel thread
    }
    for (const fd of fds) {
      try {
        open.add(readlinkSync(`${proc}/${pid}/fd/${fd}`));
      } catch {
        // closed meanwhile
      }
    }
  }
  return open;
}
