import { freemem, totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseMeminfo, readMeminfo } from './meminfo.ts';

// The first lines of a real /proc/meminfo (Linux 6.x).
const SAMPLE = `MemTotal:       16303428 kB
MemFree:         1234560 kB
MemAvailable:    9876540 kB
Buffers:          345676 kB
Cached:          6543212 kB
SwapCached:            0 kB
Slab:             335716 kB
`;

describe('meminfo', () => {
  it('reads MemTotal and MemAvailable in bytes', () => {
    expect(parseMeminfo(SAMPLE)).toEqual({ total: 16303428 * 1024, available: 9876540 * 1024 });
  });

  it('without MemAvailable (kernels before 3.14) counts free + buffers + cached + slab', () => {
    const old = SAMPLE.replace(/^MemAvailable:.*\n/m, '');
    expect(parseMeminfo(old).available).toBe((1234560 + 345676 + 6543212 + 335716) * 1024);
  });

  it('does not take SwapCached for Cached', () => {
    const text = 'MemTotal: 100 kB\nMemFree: 10 kB\nSwapCached: 999 kB\nCached: 5 kB\n';
    expect(parseMeminfo(text).available).toBe(15 * 1024);
  });

  it('falls back to the os module when the file cannot be read or lacks MemTotal', async () => {
    expect(parseMeminfo('').total).toBe(totalmem());
    const r = await readMeminfo('/nonexistent/meminfo');
    expect(r.total).toBe(totalmem());
    expect(r.available).toBeGreaterThan(0);
    expect(r.available).toBeLessThanOrEqual(Math.max(freemem(), totalmem()));
  });
});
