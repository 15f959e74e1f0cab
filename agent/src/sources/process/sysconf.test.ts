import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromAuxv, systemConstants } from './sysconf.ts';

const auxv = (pairs: [number, number][]) => {
  const b = Buffer.alloc(pairs.length * 16);
  pairs.forEach(([k, v], i) => {
    b.writeBigUInt64LE(BigInt(k), i * 16);
    b.writeBigUInt64LE(BigInt(v), i * 16 + 8);
  });
  return b;
};

describe('system constants from the auxiliary vector', () => {
  it('reads AT_PAGESZ and AT_CLKTCK and stops at AT_NULL', () => {
    expect(
      fromAuxv(
        auxv([
          [33, 1],
          [6, 16384],
          [17, 250],
          [0, 0],
          [6, 4096],
        ]),
      ),
    ).toEqual({ pageSize: 16384, clockTicks: 250 });
  });

  it('ignores zero values and a truncated tail', () => {
    const b = auxv([
      [6, 0],
      [17, 100],
    ]);
    expect(fromAuxv(b.subarray(0, 24))).toEqual({});
  });

  it('falls back to getconf or the defaults when there is no auxv file', () => {
    const c = systemConstants('/nonexistent/auxv');
    expect(c.clockTicks).toBeGreaterThan(0);
    expect(c.pageSize).toBeGreaterThan(0);
  });

  const hasGetconf =
    existsSync('/proc/self/auxv') &&
    (() => {
      try {
        execFileSync('getconf', ['PAGESIZE']);
        return true;
      } catch {
        return false;
      }
    })();
  it.skipIf(!hasGetconf)('agrees with getconf on this host', () => {
    const get = (n: string) => Number(execFileSync('getconf', [n], { encoding: 'utf8' }).trim());
    expect(systemConstants()).toEqual({ clockTicks: get('CLK_TCK'), pageSize: get('PAGESIZE') });
  });
});
