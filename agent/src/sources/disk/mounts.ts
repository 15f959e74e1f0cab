import { readFileSync } from 'node:fs';

export interface Mount {
  device: string;
  mountPoint: string;
  fsType: string;
}

/** /proc/mounts escapes space, tab, newline and backslash in paths as 3-digit octal (\040). */
const decodeOctal = (s: string) =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

export function parseMounts(text: string): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length < 3 || !f[1]) continue;
    out.push({ device: decodeOctal(f[0]), mountPoint: decodeOctal(f[1]), fsType: f[2] });
  }
  return out;
}

export function readMounts(file = '/proc/self/mounts'): Mount[] {
  return parseMounts(readFileSync(file, 'utf8'));
}

/** The mount a path lives on: the longest mount point that is the path or a parent of it (last mounted wins). */
export function mountOf(mounts: Mount[], p: string): Mount | undefined {
  let best: Mount | undefined;
  for (const m of mounts) {
    const mp = m.mountPoint;
    const inside = p === mp || mp === '/' || p.startsWith(mp.endsWith('/') ? mp : `${mp}/`);
    if (inside && (!best || mp.length >= best.mountPoint.length)) best = m;
  }
  return best;
}
