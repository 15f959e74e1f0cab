import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Structural guarantees, checked on the source: a later edit that adds a shell, a second way to start programs, or a
 * second place that signals or deletes fails here.
 */
const here = path.dirname(new URL(import.meta.url).pathname);
const files = (readdirSync(here, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts') && f !== 'safety.test.ts')
  .sort();
const TEST_ONLY = new Set(['test-support.ts', 'block/netns-lab.ts']);
const production = files.filter((f) => !f.endsWith('.test.ts') && !TEST_ONLY.has(f));
const src = (f: string) => readFileSync(path.join(here, f), 'utf8');
const users = (re: RegExp, list = production) => list.filter((f) => re.test(src(f)));

describe('responder source safety', () => {
  it('has no shell anywhere: no child_process.exec/execSync, no shell: true', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(users(/shell:\s*true/, files)).toEqual([]);
    expect(users(/(?<![\w.])(exec|execSync)\s*\(/, files)).toEqual([]);
    expect(users(/import\s*\{[^}]*\b(exec|execSync)\b[^}]*\}\s*from\s*'(node:)?child_process'/, files)).toEqual([]);
  });

  it('starts programs from one module, signals from one, deletes files from one', () => {
    expect(users(/from '(node:)?child_process'/)).toEqual(['exec/run.ts']);
    expect(users(/process\.kill\(/)).toEqual(['process/kill-process.ts']);
    expect(users(/\b(unlinkSync|rmSync|unlink|rm)\(/)).toEqual(['disk/clean-disk.ts']);
  });
});
