import { describe, expect, it } from 'vitest';
import { compareVersions } from './versions.ts';

describe('bundle versions', () => {
  it('orders numerically, segment by segment', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBe(1);
    expect(compareVersions('2025.03.01-2', '2025.03.01-1')).toBe(1);
    expect(compareVersions('2025.3.1', '2025.03.01')).toBe(0);
    expect(compareVersions('1.0.0', '1.0.0-1')).toBe(-1);
  });
});
